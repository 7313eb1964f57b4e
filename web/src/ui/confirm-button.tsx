// A button for something that cannot be undone (revoking a key, removing a document): the first press
// asks again with "Confirm <verb>" and "Cancel" in its place, and only that one does it.
import { useState } from "react";

export interface ConfirmButtonProps {
  /** The button's name before confirming, e.g. "Remove handbook.pdf". */
  label: string;
  /** The name of the button that does it, e.g. "Confirm remove". */
  confirmLabel: string;
  onConfirm: () => void;
}

export function ConfirmButton({ label, confirmLabel, onConfirm }: ConfirmButtonProps) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" onClick={() => setConfirming(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="row">
      <button
        type="button"
        className="danger"
        onClick={() => {
          setConfirming(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </span>
  );
}
