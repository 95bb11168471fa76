/** Output helpers for the tour: colours and a spinner only on a TTY, plain lines otherwise. */
const tty = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;

const paint = (code: number) => (text: string) => (tty ? `\u001b[${code}m${text}\u001b[0m` : text);
export const green = paint(32);
export const red = paint(31);
export const yellow = paint(33);
export const dim = paint(2);
export const bold = paint(1);

/** Shows `label` with a spinner (TTY) or a single line (not a TTY) while `work` runs. */
export async function progress<T>(label: string, work: () => Promise<T>): Promise<T> {
  if (!tty) {
    console.log(`… ${label}`);
    return work();
  }
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  const timer = setInterval(() => {
    process.stdout.write(`\r${frames[frame++ % frames.length]} ${label}`);
  }, 80);
  try {
    const result = await work();
    process.stdout.write(`\r${green('✔')} ${label}\n`);
    return result;
  } catch (error) {
    process.stdout.write(`\r${red('✖')} ${label}\n`);
    throw error;
  } finally {
    clearInterval(timer);
  }
}

/** A plain-text table: header row, separator, rows; columns padded to the widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips our own colour codes
  const strip = (text: string) => text.replace(/\u001b\[\d+m/g, '');
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => strip(r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => cell + ' '.repeat((widths[i] ?? 0) - strip(cell).length)).join('  ');
  return [bold(line(header)), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join(
    '\n',
  );
}
