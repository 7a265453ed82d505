// The name of every input, output and saved state of the connection action, written once: the
// code reads and writes them through these, and a test holds them to action.yml.

export const INPUT = {
  operation: 'operation',
  clientId: 'client-id',
  clientSecret: 'client-secret',
  accessToken: 'access-token',
  scopes: 'scopes',
  imsOrgId: 'ims-org-id',
  sandboxName: 'sandbox-name',
  imsUrl: 'ims-url',
  platformUrl: 'platform-url',
  connectionString: 'connection-string',
  host: 'host',
  port: 'port',
  database: 'database',
  username: 'username',
  password: 'password',
  sslMode: 'ssl-mode',
  connectionOptions: 'connection-options',
  authType: 'auth-type',
  name: 'name',
  description: 'description',
  ifExists: 'if-exists',
  verify: 'verify',
  dryRun: 'dry-run',
  plan: 'plan',
  maxAttempts: 'max-attempts',
  timeoutSeconds: 'timeout-seconds',
  connectionId: 'connection-id',
  cleanup: 'cleanup',
  preflight: 'preflight',
  prComment: 'pr-comment',
  githubToken: 'github-token'
} as const

export const OUTPUT = {
  connectionId: 'connection-id',
  etag: 'etag',
  outcome: 'outcome',
  tableCount: 'table-count',
  tables: 'tables',
  mysqlVersion: 'mysql-version',
  mysqlTableCount: 'mysql-table-count',
  plan: 'plan',
  hasChanges: 'has-changes',
  changes: 'changes',
  planMarkdown: 'plan-markdown',
  commentId: 'comment-id',
  commentUrl: 'comment-url'
} as const

/** What the main step saves for its post step (GITHUB_STATE). */
export const STATE = {
  isPost: 'isPost',
  cleanupId: 'cleanup-connection-id',
  cleanupName: 'cleanup-name',
  cleanupToken: 'cleanup-run-token',
  cleanupSeal: 'cleanup-seal'
} as const

type InputName = (typeof INPUT)[keyof typeof INPUT]
export type OutputName = (typeof OUTPUT)[keyof typeof OUTPUT]

/** The secret inputs, masked as given before anything is validated or printed. */
export const SECRET_INPUTS: readonly InputName[] = [INPUT.password, INPUT.clientSecret, INPUT.accessToken, INPUT.connectionString, INPUT.githubToken]
