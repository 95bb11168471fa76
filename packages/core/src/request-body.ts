/**
 * Whether a request body can be sent a second time (for the retry after a 401). Strings, bytes,
 * URLSearchParams, FormData and Blobs can; streams cannot.
 */
export function isReplayableBody(body: BodyInit | null | undefined): boolean {
  return (
    body === undefined ||
    body === null ||
    typeof body === 'string' ||
    body instanceof URLSearchParams ||
    body instanceof FormData ||
    body instanceof Blob ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body)
  );
}
