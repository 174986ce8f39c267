/**
 * Typed errors. Each carries enough context to print one actionable line and to pick an exit code,
 * so the CLI never has to parse messages.
 */
export class ShowdownError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem in one input file: `file: path: what is wrong`. */
export interface Problem {
  file: string;
  path: string;
  message: string;
}

export function formatProblem(p: Problem): string {
  return p.path ? `${p.file}: ${p.path}: ${p.message}` : `${p.file}: ${p.message}`;
}

/** A config file that is missing, unreadable, unparseable or invalid. Lists every problem found. */
export class ConfigError extends ShowdownError {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.problems = problems;
  }
}

/** A snapshot file that cannot be read, parsed or validated, or one from a newer tool. */
export class SnapshotError extends ShowdownError {
  readonly file: string;
  /** What is wrong, without the file name. */
  readonly problem: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
    this.file = file;
    this.problem = message;
  }
}

/** Wrong command-line usage: unknown flag, bad value. */
export class UsageError extends ShowdownError {}

/** Something on disk could not be written (permissions, disk full). Nothing was half-written. */
export class WriteError extends ShowdownError {}
