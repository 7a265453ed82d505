// Ids that come from a user or a server go into URLs, outputs and log lines as they are.

/**
 * A plain id: no whitespace, control character, slash or backslash, and not "." or "..", which
 * would address the collection or the service above it.
 */
export function isPlainId(id: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  return id !== '' && id !== '.' && id !== '..' && !/[\s\u0000-\u001f\u007f-\u009f/\\]/.test(id)
}
