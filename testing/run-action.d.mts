// Types of run-action.mjs, which runs the bundled action as the runner does.

/** The repository root. */
export declare const ROOT: string
/** The committed bundle's folder and entry (what users run, and what the bench measures). */
export declare const COMMITTED_DIST: string
export declare const COMMITTED_ENTRY: string
/** The environment variable that names the fresh build's folder ('ACTION_BUNDLE'). */
export declare const BUNDLE_VARIABLE: string
/** Set to the same folder when globalSetup built it from src/ ('ACTION_BUNDLE_FRESH'). */
export declare const FRESH_BUILD_VARIABLE: string
/** The dataflow action's folder ('dataflow'), for RunOptions.action. */
export declare const DATAFLOW: string

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  /** `::error::` lines, without the command prefix. */
  errors: string[]
  warnings: string[]
  /** Wall time from spawn to exit, in ms. */
  ms: number
}

export interface RunnerEnvOptions {
  /** Saved state from the main step, for running the post step. */
  state?: Record<string, string>
  /** Further variables, set last. */
  env?: Record<string, string>
  /** RUNNER_DEBUG=1, as a re-run with debug logging. Default true. */
  debug?: boolean
  /** The folder of another action of the repository (DATAFLOW): its action.yml's defaults, and its bundle in the build's folder of that name. */
  action?: string
}

export interface RunOptions extends RunnerEnvOptions {
  /** Further values that must never be printed (a fetched token, a built connection string). */
  secrets?: string[]
  timeoutMs?: number
  /** Another bundle's entry to run (COMMITTED_ENTRY, a copy) instead of the fresh build of src/. */
  entry?: string
  /** Node options before the entry, e.g. ['--import', probe]. */
  nodeArgs?: string[]
}

export interface TimedRun {
  code: number | null
  stdout: string
  stderr: string
  ms: number
  /** performance.now() of the calling process at the spawn, to place what a local server saw on the run's time line. */
  startedAt: number
}

/** GITHUB_REPOSITORY, GITHUB_RUN_ID and the other variables that describe the run, as the runner sets them. */
export declare const RUN_VARIABLES: Readonly<Record<string, string>>
/** The inputs as the runner passes them: action.yml's defaults filled in. */
/** `action`: the folder of another action of this repository (dataflow); the connection action when absent. */
export declare function withDefaults(inputs: Record<string, string>, action?: string): Record<string, string>
/** Throws when `result` shows a secret input or one of `options.secrets` outside ::add-mask:: lines. */
export declare function checkForLeaks(
  result: Pick<RunResult, 'stdout' | 'stderr' | 'summary' | 'outputs'>,
  inputs: Record<string, string>,
  options?: Pick<RunOptions, 'secrets'>
): void
/** The messages of the `::<command>::` lines in stdout (e.g. 'error', 'warning'), unescaped. */
export declare function commandLines(stdout: string, command: string): string[]
/** The fresh build's folder, from ACTION_BUNDLE; throws a sentence saying how to get one when unset. */
export declare function freshBundle(): string
/** Parses the `name<<delimiter` file format of GITHUB_OUTPUT and GITHUB_STATE. */
export declare function parseCommandFile(text: string): Record<string, string>
/** The secrets that appear in `output` outside `::add-mask::` lines. */
export declare function findLeaks(output: string, secrets: string[]): string[]
/** The runner's environment for one step, with its command files created empty in `dir`. */
export declare function runnerEnv(dir: string, inputs: Record<string, string>, options?: RunnerEnvOptions): Record<string, string>
/** Runs a command to its end (SIGKILL after timeoutMs, default 20 s), timed from spawn to close. */
export declare function timedRun(command: string, argv: string[], options?: { env?: Record<string, string>; cwd?: string; timeoutMs?: number }): Promise<TimedRun>
/** Runs the action once; throws when it printed a secret input or one of `options.secrets`. */
export declare function runAction(inputs: Record<string, string>, options?: RunOptions): Promise<RunResult & Pick<TimedRun, 'startedAt'>>
