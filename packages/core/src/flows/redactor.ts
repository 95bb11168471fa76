/**
 * Removes secrets from text a server sent back (an error body that echoes the request), in every
 * form a server may echo them: raw, JSON-escaped (with or without `\uXXXX` for non-ASCII),
 * percent- and form-encoded (either hex case), inside a Basic header's base64 (at any byte
 * offset, standard or URL alphabet), with its whitespace collapsed or removed, and cut short:
 * any run of {@link MIN_FRAGMENT} or more characters of any of those forms is removed too.
 */

const REDACTED = '[redacted]';
/** Runs of a secret's characters this long or longer never survive redaction. */
export const MIN_FRAGMENT = 6;

const encoder = /* @__PURE__ */ new TextEncoder();

/** A function that redacts the given secrets (shorter than 3 characters are ignored). */
export function createRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < 3) continue;
    for (const textual of textualForms(secret)) {
      forms.add(textual);
      for (const encoded of base64Forms(textual)) forms.add(encoded);
    }
  }
  if (forms.size === 0) return (text) => text;
  const whole = [...forms]
    .sort((a, b) => b.length - a.length)
    .map((form) => new RegExp(whitespaceFlexible(form), 'g'));
  const fragments = new Set<string>();
  for (const form of forms) {
    for (let i = 0; i + MIN_FRAGMENT <= form.length; i++) {
      fragments.add(form.slice(i, i + MIN_FRAGMENT));
    }
  }
  return (text) => {
    let out = text;
    for (const pattern of whole) out = out.replace(pattern, REDACTED);
    return removeFragments(out, fragments);
  };
}

/** The secret as text in a body: raw, JSON-escaped, percent- and form-encoded. */
function textualForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  // Escaping every control and non-ASCII character as `\uXXXX`, as some serializers do.
  const unicodeJson = (hex: (code: string) => string) =>
    secret
      .replace(/["\\]/g, (c) => `\\${c}`)
      .replace(
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
        /[\u0000-\u001f\u007f-\uffff]/g,
        (c) => `\\u${hex(c.charCodeAt(0).toString(16).padStart(4, '0'))}`,
      );
  const percent = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const lowerHex = (value: string) => value.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
  return [
    secret,
    json,
    json.replace(/\//g, '\\/'), // PHP-style escaped slashes
    unicodeJson((h) => h),
    unicodeJson((h) => h.toUpperCase()),
    percent,
    lowerHex(percent),
    form,
    lowerHex(form),
  ];
}

/**
 * The base64 characters that depend on `text`'s bytes alone, for each of the three byte offsets
 * it can sit at inside a longer value (`id:secret` in a Basic header), standard and URL alphabet.
 */
function base64Forms(text: string): string[] {
  const bytes = encoder.encode(text);
  const out: string[] = [];
  for (const offset of [0, 1, 2]) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    const full = Math.floor(padded.length / 3) * 4;
    const start = [0, 2, 3][offset] as number;
    const core = btoa(String.fromCharCode(...padded)).slice(start, full);
    if (core.length >= MIN_FRAGMENT) {
      out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return out;
}

/** A pattern for `form` in which each whitespace run may be collapsed, changed or removed. */
function whitespaceFlexible(form: string): string {
  return form
    .split(/\s+/)
    .filter((part) => part.length > 0)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\s*');
}

/** Replaces every run of text made of {@link MIN_FRAGMENT}-grams of a secret's forms. */
function removeFragments(text: string, fragments: ReadonlySet<string>): string {
  if (text.length < MIN_FRAGMENT) return text;
  const covered = new Uint8Array(text.length);
  let any = false;
  for (let i = 0; i + MIN_FRAGMENT <= text.length; i++) {
    if (fragments.has(text.slice(i, i + MIN_FRAGMENT))) {
      covered.fill(1, i, i + MIN_FRAGMENT);
      any = true;
    }
  }
  if (!any) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (covered[i] === 0) out += text[i];
    else if (i === 0 || covered[i - 1] === 0) out += REDACTED;
  }
  return out;
}
