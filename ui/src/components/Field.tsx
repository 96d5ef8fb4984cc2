// Labelled form controls with their hint and error text wired up for screen readers
// (aria-describedby, aria-invalid), so no form in the app ships an unlabelled control.

import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from "react";

interface Wrapped {
  label: string;
  hint?: string | undefined;
  error?: string | null | undefined;
}

function useDescribed({ hint, error }: Wrapped) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ");
  return {
    id,
    aria: {
      "aria-invalid": error ? true : undefined,
      "aria-describedby": describedBy || undefined,
    },
    extras: (
      <>
        {hint ? (
          <p id={hintId} className="field-hint">
            {hint}
          </p>
        ) : null}
        {error ? (
          <p id={errorId} className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </>
    ),
  };
}

function wrapperClass(error: string | null | undefined, className: string | undefined) {
  return ["field", error ? "field-invalid" : null, className].filter(Boolean).join(" ");
}

export interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "id">, Wrapped {}

export function Field({ label, hint, error, className, ...input }: FieldProps) {
  const { id, aria, extras } = useDescribed({ label, hint, error });
  return (
    <div className={wrapperClass(error, className)}>
      <label htmlFor={id}>{label}</label>
      <input id={id} {...aria} {...input} />
      {extras}
    </div>
  );
}

export interface TextAreaFieldProps
  extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id">,
    Wrapped {}

export function TextAreaField({ label, hint, error, className, ...textarea }: TextAreaFieldProps) {
  const { id, aria, extras } = useDescribed({ label, hint, error });
  return (
    <div className={wrapperClass(error, className)}>
      <label htmlFor={id}>{label}</label>
      <textarea id={id} {...aria} {...textarea} />
      {extras}
    </div>
  );
}

export interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, "id">, Wrapped {
  children: ReactNode;
}

export function SelectField({ label, hint, error, className, children, ...select }: SelectFieldProps) {
  const { id, aria, extras } = useDescribed({ label, hint, error });
  return (
    <div className={wrapperClass(error, className)}>
      <label htmlFor={id}>{label}</label>
      <select id={id} {...aria} {...select}>
        {children}
      </select>
      {extras}
    </div>
  );
}
