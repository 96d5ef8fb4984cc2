// The component kit; its styles are in components.css.

import "./components.css";

export { Badge } from "./Badge";
export { Button } from "./Button";
export { Dialog } from "./Dialog";
export { DraftNote } from "./DraftNote";
export { EmptyState } from "./EmptyState";
export { ErrorNote, errorOf, nextStep } from "./ErrorNote";
export { Field, SelectField, TextAreaField } from "./Field";
export { ProgressBar } from "./ProgressBar";
export { Table, type Column } from "./Table";
