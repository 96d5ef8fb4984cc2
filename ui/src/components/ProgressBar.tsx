// A labelled progress bar (the native element, so assistive technology reads its value).

export interface ProgressBarProps {
  value: number;
  max: number;
  label: string;
  className?: string;
}

export function ProgressBar({ value, max, label, className }: ProgressBarProps) {
  return (
    <progress
      className={["progress", className].filter(Boolean).join(" ")}
      value={value}
      max={Math.max(max, 1)}
      aria-label={label}
    >
      {label}
    </progress>
  );
}
