// "Add files…": a button over a hidden <input type="file">, whose chooser is the platform's
// own. What it yields are File objects whose bytes the page streams to the backend; the
// chooser's paths never reach the page.

import { useId, useRef } from "react";

import { Button } from "../../components";

export interface FilePickerProps {
  label: string;
  onFiles: (files: File[]) => void;
  multiple?: boolean;
  accept?: string;
  disabled?: boolean;
  variant?: "primary" | "secondary";
  className?: string;
  /** Names the hidden input for tests that hand it files directly. */
  testId?: string;
}

export function FilePicker({ label, onFiles, multiple = true, accept, disabled, variant, className, testId }: FilePickerProps) {
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  return (
    <>
      <Button variant={variant ?? "secondary"} className={className} disabled={disabled} onClick={() => input.current?.click()}>
        {label}
      </Button>
      <input
        ref={input}
        id={id}
        type="file"
        className="file-input"
        multiple={multiple}
        accept={accept}
        disabled={disabled}
        tabIndex={-1}
        aria-label={label}
        data-testid={testId}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          // Cleared so that picking the same file again fires another change.
          e.target.value = "";
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}
