/**
 * Personal data sealed with its subject's data key (AES-256-GCM). JSON-safe: every field is a
 * base64 string, so it can sit inside an event's data. `subject` is also the GCM additional
 * authenticated data, so a sealed value copied to another subject fails to open.
 */
export interface SealedText {
  $sealed: {
    subject: string;
    iv: string;
    ciphertext: string;
    tag: string;
  };
}

export function isSealedText(value: unknown): value is SealedText {
  if (typeof value !== 'object' || value === null || !('$sealed' in value)) {
    return false;
  }

  const sealed = (value as { $sealed: unknown }).$sealed;
  if (typeof sealed !== 'object' || sealed === null) {
    return false;
  }
  const fields = sealed as Record<string, unknown>;
  return (
    typeof fields.subject === 'string' &&
    typeof fields.iv === 'string' &&
    typeof fields.ciphertext === 'string' &&
    typeof fields.tag === 'string'
  );
}
