/** `Symbol.toStringTag`s of the bodies that hold their bytes, whichever implementation made them. */
const REPLAYABLE_TAGS = new Set(['URLSearchParams', 'FormData', 'Blob', 'File']);

/**
 * Whether a request body can be sent a second time (for the retry after a 401, or a redirect
 * that keeps the body): none, strings, bytes, `URLSearchParams`, `FormData` and `Blob`s can;
 * streams and iterables cannot. A body is recognised by its kind, not by the global class, so a
 * `FormData` of the `undici` package (or of another realm) counts as a `FormData`.
 *
 * @example
 * isReplayableBody(JSON.stringify({ id: 1 })); // true
 * isReplayableBody(new undici.FormData()); // true
 * isReplayableBody(fs.createReadStream('upload.bin')); // false
 */
export function isReplayableBody(body: unknown): boolean {
  if (body === undefined || body === null || typeof body === 'string') return true;
  if (typeof body !== 'object') return false;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return true;
  return REPLAYABLE_TAGS.has(Object.prototype.toString.call(body).slice(8, -1));
}
