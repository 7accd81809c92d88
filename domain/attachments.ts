/**
 * Attachments (附件) to consultations and supervision documents: which kinds of file the hub takes and
 * how a file proves its kind. Pure: no I/O. The store and the HTTP route are
 * datasources/services/attachments.ts and server/routes/attachments.ts.
 *
 * A file is taken only when the type its sender declares (`Content-Type`) is one of three and its
 * first bytes are that type's signature (its "magic number"): a file that merely claims to be a PDF is
 * refused, so nothing else (HTML, scripts, executables) is ever served back from the hub under a
 * harmless name.
 */

/** The types the hub takes, each with its signature: the bytes every such file starts with. */
export const ATTACHMENT_TYPES = {
  'application/pdf': { label: 'PDF', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] /* %PDF- */, extension: 'pdf' },
  'image/png': { label: 'PNG', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], extension: 'png' },
  'image/jpeg': { label: 'JPEG', magic: [0xff, 0xd8, 0xff], extension: 'jpg' },
} as const;

export type AttachmentType = keyof typeof ATTACHMENT_TYPES;

/** Default largest attachment: 10 MiB. */
export const DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

/** An attachment's id: the SHA-256 of its bytes, 64 lower-case hex digits. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The media type of a `Content-Type` header, lower case, without parameters (`image/png; q=1` → `image/png`). */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

export function isAttachmentType(type: string): type is AttachmentType {
  return Object.prototype.hasOwnProperty.call(ATTACHMENT_TYPES, type);
}

/** The allowed types, as an error message lists them. */
export const ALLOWED_TYPES_TEXT = Object.keys(ATTACHMENT_TYPES).join(', ');

/** Which allowed type these bytes are, by their signature; null for none. */
export function sniffType(bytes: Uint8Array): AttachmentType | null {
  for (const [type, { magic }] of Object.entries(ATTACHMENT_TYPES)) {
    if (bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b)) return type as AttachmentType;
  }
  return null;
}

/**
 * What is wrong with a file sent as `declared`, or null when the hub takes it: the declared type must
 * be allowed and the bytes must carry its signature.
 */
export function attachmentTypeProblem(declared: string, bytes: Uint8Array): string | null {
  if (!isAttachmentType(declared)) {
    return `Content-Type must be one of ${ALLOWED_TYPES_TEXT}; got ${declared ? JSON.stringify(declared.slice(0, 64)) : 'none'}`;
  }
  const found = sniffType(bytes);
  if (found === declared) return null;
  return found
    ? `the file is ${ATTACHMENT_TYPES[found].label} (${found}) by its content, not ${ATTACHMENT_TYPES[declared].label} as its Content-Type says`
    : `the file's content is not ${ATTACHMENT_TYPES[declared].label}: it does not start with the ${ATTACHMENT_TYPES[declared].label} signature (only ${ALLOWED_TYPES_TEXT} are taken)`;
}
