export { Button } from "./Button";
export { Dialog } from "./Dialog";
export { EmptyState } from "./EmptyState";
export { Field } from "./Field";
export { Table, type Column } from "./Table";
