// Settings: where the data lives and which build is running, for support and for auditors.

import { Table, type Column } from "../../components";
import { useAppInfo } from "../shell/queries";

interface Row {
  name: string;
  value: string;
}

const COLUMNS: Column<Row>[] = [
  { key: "name", header: "Setting", cell: (r) => r.name },
  { key: "value", header: "Value", cell: (r) => <span className="mono">{r.value}</span> },
];

export function SettingsPage() {
  const info = useAppInfo();
  return (
    <>
      <h1>Settings</h1>
      <h2>This installation</h2>
      {info.isError ? (
        <p className="error-text" role="alert">
          {info.error.message}
        </p>
      ) : (
        <Table
          caption="This installation"
          columns={COLUMNS}
          rowKey={(r) => r.name}
          rows={
            info.data
              ? [
                  { name: "Version", value: info.data.version },
                  { name: "Data directory", value: info.data.data_dir },
                  { name: "Log directory", value: info.data.log_dir },
                ]
              : []
          }
        />
      )}
    </>
  );
}
