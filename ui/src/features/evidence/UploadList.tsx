// Uploads in progress and just finished, with what failed and what to do about it.

import { Button, ErrorNote, ProgressBar } from "../../components";
import { bytes } from "../../format";
import { useUploads, type UploadItem } from "./uploads";

function stageText(i: UploadItem): string {
  switch (i.stage) {
    case "waiting":
      return "waiting";
    case "sending":
      return `${bytes(Math.max(i.stored, 0))} of ${bytes(i.size)} stored`;
    case "recording":
      return "stored; recording…";
    case "done":
      return "attached";
    case "failed":
      return "not attached";
  }
}

export function UploadList() {
  const { items, dismiss } = useUploads();
  if (items.length === 0) return null;
  return (
    <section className="upload-list" aria-label="Uploads">
      <ul>
        {items.map((i) => (
          <li key={i.key} className={`upload upload-${i.stage}`} data-upload={i.name}>
            <span className="upload-name">{i.name}</span>
            <ProgressBar
              value={i.stage === "done" ? i.size : Math.max(i.stored, 0)}
              max={i.size}
              label={`Upload of ${i.name}`}
            />
            <span className="small upload-stage">{stageText(i)}</span>
            {i.stage === "done" || i.stage === "failed" ? (
              <Button className="btn-small" onClick={() => dismiss(i.key)} aria-label={`Dismiss ${i.name}`}>
                Dismiss
              </Button>
            ) : null}
            {i.stage === "failed" ? <ErrorNote error={i.error} title={`${i.name} was not attached`} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
