// The action's edges to the runner, passed in rather than imported, so run() works the same
// under the runner (runner.ts) and in a test that records what it says.

export interface Log {
  info(message: string): void
  debug(message: string): void
  warning(message: string): void
  /** An ::error:: line, and the step fails; once per problem, so each gets its own line. */
  error(message: string): void
}

export interface Io extends Log {
  /** The input as the runner gives it, untrimmed: whitespace can be part of a secret. */
  input(name: string): string
  /** Asks the runner to hide this value in every log line from now on. */
  mask(secret: string): void
  setOutput(name: string, value: string): void
  saveState(name: string, value: string): void
  state(name: string): string
  /** Appends Markdown to the job summary; does nothing where there is none. */
  appendSummary(markdown: string): void
  /** The GITHUB_* variables that describe the run. */
  env: Record<string, string | undefined>
}

/** Every line passes through `redact` first: the runner masks registered secrets too, but an id or an API message that holds one must not depend on that. */
export function redactingLog(log: Log, redact: (text: string) => string): Log {
  return {
    info: (message) => log.info(redact(message)),
    debug: (message) => log.debug(redact(message)),
    warning: (message) => log.warning(redact(message)),
    error: (message) => log.error(redact(message))
  }
}
