/**
 * Text as the tool prints and writes it (issue 20): no control characters from API answers or
 * config (terminal escape codes, NUL that makes an SVG invalid XML, a newline that starts a log line
 * with a GitHub Actions workflow command such as ::error), and no configured secret.
 */

/* eslint-disable no-control-regex -- control characters are what these match */
// C0 but tab, line feed and carriage return (a CSV cell may hold them, quoted), DEL and C1; with
// `escapes`, ESC too (the colours of a terminal's output).
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const CONTROL_BUT_ESC = /[\u0000-\u0008\u000b\u000c\u000e-\u001a\u001c-\u001f\u007f-\u009f]/g;
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;
/* eslint-enable no-control-regex */

const secrets = new Set<string>();

/**
 * A secret the run was given (a token, an app key): it is cut from everything printed or written,
 * wherever it shows up, even inside data a server echoed back. Very short values are not
 * registered: cutting them would mangle ordinary text.
 */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 8) return;
  secrets.add(value);
  const encoded = encodeURIComponent(value);
  if (encoded !== value) secrets.add(encoded);
}

/** The secrets registered so far (handed to a worker thread, which scrubs what it writes too). */
export function registeredSecrets(): string[] {
  return [...secrets];
}

export function scrubSecrets(text: string): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join("***");
  return out;
}

/**
 * Text for output and files: secrets scrubbed, control characters removed (line breaks and tabs
 * kept; ESC too with `escapes`, for a terminal's colours: data reaches output through oneLine()).
 */
export function plain(text: string, escapes = false): string {
  return scrubSecrets(text).replace(escapes ? CONTROL_BUT_ESC : CONTROL, "");
}

/** One line of text from data: every run of control characters (line breaks too) becomes a space. */
export function oneLine(text: string): string {
  return text.replace(ANY_CONTROL, " ");
}
