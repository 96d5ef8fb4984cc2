// Small labels for statuses, results and priorities. The text always says the state; colour
// only repeats it, so nothing depends on telling colours apart.

import type { ReactNode } from "react";

export interface BadgeProps {
  tone?: "neutral" | "info" | "good" | "bad" | "warn" | "muted";
  children: ReactNode;
  title?: string;
}

export function Badge({ tone = "neutral", children, title }: BadgeProps) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}
