/**
 * Login names are Entra user principal names (or plain email addresses for people who do not
 * use Microsoft sign-in). They match after trimming and case folding, the way Entra compares UPNs.
 */
export function normalizeLoginName(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Entra writes B2B guest UPNs as `alias_domain#EXT#@tenant`; they are never login names. */
export function isGuestUpn(raw: string): boolean {
  return raw.toUpperCase().includes('#EXT#');
}

// A deliberately plain address check: one `@`, a non-empty local part, a dotted domain, no spaces.
// Stricter RFC 5322 parsing would accept forms Entra never issues as a UPN.
const LOGIN_NAME_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const LOGIN_NAME_MAX_LENGTH = 256;

export function isValidLoginName(raw: string): boolean {
  const trimmed = raw.trim();
  return trimmed.length <= LOGIN_NAME_MAX_LENGTH && LOGIN_NAME_PATTERN.test(trimmed) && !isGuestUpn(trimmed) && !hasInvisibleCharacters(trimmed);
}

// Control characters (C0, C1) and format characters such as bidirectional overrides and
// zero-width spaces: invisible in a UI, so they make two different names look alike, and
// PostgreSQL jsonb rejects NUL outright.
const INVISIBLE_CHARACTERS = /[\p{Cc}\p{Cf}]/u;

/** True when the text has characters that display as nothing or reorder what is displayed. */
export function hasInvisibleCharacters(text: string): boolean {
  return INVISIBLE_CHARACTERS.test(text);
}
