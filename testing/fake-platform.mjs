/**
 * A local stand-in for Adobe IMS (the OAuth server-to-server token endpoint) and the Flow Service
 * "connections" API, served from one 127.0.0.1 origin, for the actions' end-to-end tests and benchmarks.
 * What a dataflow needs beyond the base connection (source and target connections, flows, flow specs,
 * runs, Catalog datasets, Data Prep mapping sets) is in fake-dataflow.mjs, mounted here behind the same
 * gateway checks and faults.
 *
 * It is deliberately strict where the real service is documented to be strict (headers, If-Match,
 * request bodies checked against the published OpenAPI schemas) so that a test passing here means the
 * action sends what Platform expects. Types: see fake-platform.d.mts.
 *
 * Adobe's tutorials and error catalogue describe behaviours the OpenAPI spec does not; each is marked
 * below with the document it comes from. Where sources disagree, the lenient reading is the default and
 * `strict: true` selects the stricter one, so a suite can run the action against both.
 */
import { createServer, STATUS_CODES } from 'node:http'
import { randomBytes, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import Ajv from 'ajv'
import { parse as parseYaml } from 'yaml'
import { CATALOG_BASE, CONVERSION_BASE, DATA_LAKE_SPEC_ID, createDataflowService, dataLakeConnectionSpec, defaultColumns } from './fake-dataflow.mjs'

export { CRM_FLOW_SPEC_ID, DATA_LAKE_SPEC_ID, crmFlowSpec, defaultColumns } from './fake-dataflow.mjs'

export const MYSQL_SPEC_ID = '26d738e0-8963-47ea-aadf-c60de735468a'

const FLOW_BASE = '/data/foundation/flowservice'
const IMS_TOKEN_PATH = '/ims/token/v3'
const SPEC_FILE = new URL('./flow-service.openapi.yaml', import.meta.url)
const SPEC_SCHEMA_ID = 'https://fake-platform.test/flow-service.json'

// The pattern of `connectionString` in the MySQL "Connection String Based Authentication" auth spec,
// as GET /connectionSpecs returns it (quoted in the reference notes that accompany the spec). Used verbatim.
const MYSQL_CONNECTION_STRING_PATTERN = '^([sS]erver=)(.*)( ?;[pP]ort=)(.*)(; ?[dD]atabase=)(.*)(; ?[uU]id=)(.*)(; ?[pP]wd=)(.*)(;)'

const nonEmptyString = { type: 'string', minLength: 1 }

// The sslMode values of Basic Authentication on Azure-hosted Platform (Adobe's MySQL tutorial, as quoted in
// the reference notes that accompany the spec).
const AZURE_SSL_MODES = ['DISABLED', 'PREFERRED', 'REQUIRED', 'Verify-Ca', 'Verify Identity']

const JSON_SCHEMA_DRAFT = 'http://json-schema.org/draft-07/schema#'

/**
 * The MySQL auth specs as GET /connectionSpecs/{id} returns them (`authSpec`: name, type, spec), for one
 * hosting profile. Their JSON schemas are also what POST and PATCH are checked against: what this server
 * serves is what it enforces. additionalProperties:false makes typos in parameter names fail loudly.
 *
 * - 'azure' (the default, and all of Platform until 2026): "Connection String Based Authentication", whose
 *   pattern is quoted from an earlier version of Adobe's MySQL tutorial, and "Basic Authentication" with the
 *   sslMode enum.
 * - 'aws' (Experience Platform on AWS, the MySQL tutorial's "Connect MySQL to Experience Platform on
 *   Amazon Web Services" section): only "Basic Authentication"; its sslMode is "a boolean value that controls
 *   whether SSL is enforced … defaults to false", yet the example sends the string "false" (and port "443"
 *   as a string). The schema itself is not published, so both readings exist: `awsSslModeType` 'boolean'
 *   (JSON boolean) or 'string' (enum "true" | "false").
 *
 * @param {'azure' | 'aws'} [profile]
 * @param {'boolean' | 'string'} [awsSslModeType]
 */
export function mysqlAuthSpecs(profile = 'azure', awsSslModeType = 'boolean') {
  const basic = (/** @type {object} */ port, /** @type {object} */ sslMode) => ({
    name: 'Basic Authentication',
    type: 'BasicAuthentication',
    spec: {
      $schema: JSON_SCHEMA_DRAFT,
      type: 'object',
      description: 'Define auth params required for connecting to MySQL with a user name and password.',
      properties: {
        server: { ...nonEmptyString, description: 'The name or IP address of the MySQL server.' },
        port,
        database: { ...nonEmptyString, description: 'The database to connect to.' },
        username: { ...nonEmptyString, description: 'The user name.' },
        password: { ...nonEmptyString, format: 'password', description: 'The password.' },
        sslMode
      },
      required: ['server', 'port', 'database', 'username', 'password'],
      additionalProperties: false
    }
  })
  if (profile === 'aws') {
    const sslMode =
      awsSslModeType === 'string'
        ? { type: 'string', enum: ['true', 'false'], default: 'false', description: 'Whether SSL is enforced.' }
        : { type: 'boolean', default: false, description: 'Whether SSL is enforced.' }
    return [basic({ type: 'string', pattern: '^[0-9]{1,5}$', description: 'The port number.' }, sslMode)]
  }
  return [
    {
      name: 'Connection String Based Authentication',
      type: 'ConnectionString',
      spec: {
        $schema: JSON_SCHEMA_DRAFT,
        type: 'object',
        description: 'Define auth params required for connecting to MySQL.',
        properties: {
          connectionString: {
            type: 'string',
            format: 'password',
            description: 'Connection string to connect to any MySQL instance.',
            pattern: MYSQL_CONNECTION_STRING_PATTERN,
            examples: ['Server=myserver.mysql.database.azure.com; Port=3306; Database=my_sql_db; Uid=username; Pwd=password; SslMode=Preferred;']
          }
        },
        required: ['connectionString'],
        additionalProperties: false
      }
    },
    // The auth spec itself is not published; a port is accepted as a numeric string or a number.
    basic(
      { type: ['string', 'integer'], pattern: '^[0-9]{1,5}$', minimum: 1, maximum: 65535, description: 'The port number.' },
      { type: 'string', enum: AZURE_SSL_MODES, description: 'The SSL mode.' }
    )
  ]
}

// The request-body description marks these as required, while the CreateConnectionRequest schema only
// requires connectionSpec; both are enforced.
const CREATE_REQUIRED = {
  type: 'object',
  required: ['name', 'auth'],
  properties: {
    name: nonEmptyString,
    auth: { type: 'object', required: ['specName', 'params'], properties: { params: { type: 'object' } } }
  }
}

// Paths whose PATCH value may be a plain string (see compileValidators).
const TEXT_PATCH_PATHS = new Set(['/name', '/description'])

// Parameter names whose values are secrets and must never be echoed back.
const SECRET_PARAM = /password|secret|token|connectionString|key/i

const DEFAULT_TABLES = ['customers', 'orders', 'products']

/** Compiled once per process: parsing the 260 KB spec costs far more than anything else here. */
let validatorsCache

function compileValidators() {
  if (validatorsCache) return validatorsCache
  const spec = parseYaml(readFileSync(SPEC_FILE, 'utf8'))
  // strict:false: OpenAPI 3.0 schemas carry keywords that are not JSON Schema (example, x-*), and
  // formats like int64 that ajv does not know; neither should make compilation fail.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false })
  // Registering the whole components map under one $id lets the spec's own '#/components/schemas/X'
  // references resolve unchanged.
  ajv.addSchema({ $id: SPEC_SCHEMA_ID, components: { schemas: spec.components.schemas } })
  const ref = (/** @type {string} */ name) => ({ $ref: `${SPEC_SCHEMA_ID}#/components/schemas/${name}` })
  const patchInstruction = spec.components.schemas.PatchInstruction
  const flowRequest = spec.components.schemas.CreateFlowRequest
  validatorsCache = {
    create: ajv.compile({ allOf: [ref('CreateConnectionRequest'), CREATE_REQUIRED] }),
    sourceConnection: ajv.compile(ref('CreateSourceConnectionRequest')),
    targetConnection: ajv.compile(ref('CreateTargetConnectionRequest')),
    // CreateFlowRequest, with the two parts where Adobe's sources disagree left to fake-dataflow.mjs: the
    // types of the schedule values and of mappingVersion. `name` and `transformations` are required by the
    // operation's description.
    flow: ajv.compile({
      ...flowRequest,
      required: [...flowRequest.required, 'name', 'transformations', 'scheduleParams'],
      properties: {
        ...flowRequest.properties,
        name: nonEmptyString,
        scheduleParams: { type: 'object' },
        transformations: { type: 'array', items: { type: 'object', required: ['name', 'params'], properties: { name: { type: 'string' }, params: { type: 'object' } } } }
      }
    }),
    patch: ajv.compile(ref('PatchInstruction')),
    // The spec's PatchInstruction declares `value` as an object, but the API (and Adobe's own tutorials,
    // e.g. {"op":"replace","path":"/description","value":"..."}) take a plain string when the target is
    // a string field. Only for those paths is a string value accepted instead.
    patchText: ajv.compile({
      ...patchInstruction,
      properties: { ...patchInstruction.properties, value: { type: 'string' } }
    }),
    // A JSON Patch "remove" carries no value; the spec's schema requires one for every op.
    patchRemove: ajv.compile({
      ...patchInstruction,
      required: patchInstruction.required.filter((/** @type {string} */ p) => p !== 'value')
    }),
    /** Compiles an auth spec's JSON schema (see mysqlAuthSpecs); cheap, so done per server. */
    compile: (/** @type {object} */ schema) => ajv.compile(schema),
    errorsText: (/** @type {any} */ errors, /** @type {string} */ dataVar) => ajv.errorsText(errors, { dataVar })
  }
  return validatorsCache
}

/** An error that becomes a Flow Service error response. */
class FlowError extends Error {
  /**
   * @param {number} status
   * @param {string} code like '1302-400'
   * @param {string} title
   * @param {string} detail
   */
  constructor(status, code, title, detail) {
    super(detail)
    this.status = status
    this.code = code
    this.title = title
  }
}

/**
 * The error bodies Flow Service answers with, for tests that inject them as faults: `code` like
 * '1365-400' (the status is its last part), `detail` defaults to the title.
 */
export function flowErrorBody(/** @type {string} */ code, /** @type {string} */ title, /** @type {string} */ detail = title, requestId = 'req-fake') {
  const status = Number(code.split('-')[1])
  return {
    type: `https://ns.adobe.com/aep/errors/FLOW-${code}`,
    title,
    status,
    report: { 'detailed-message': detail, 'request-id': requestId },
    errorMessage: detail
  }
}

const newEtag = () => `"${randomUUID()}"`

/** Reads a dotted field (`connectionSpec.id`, given as ['connectionSpec', 'id']) of a stored connection. */
function fieldOf(/** @type {any} */ item, /** @type {string[]} */ keys) {
  let value = item
  for (const key of keys) value = value == null ? undefined : value[key]
  return value
}

/**
 * Parses `property` query values into [field, op, value] filters. Each value may itself hold several
 * comma-separated conditions; we split only at commas that start a new `field<op>` condition so that a
 * comma inside a connection name survives. A value in double quotes (`name=="x"`, the form Adobe's docs
 * use for connectionSpecs) is unquoted.
 */
function parseFilters(/** @type {string[]} */ properties) {
  const filters = []
  for (const property of properties) {
    for (const condition of property.split(/,(?=[\w.]+(?:==|!=))/)) {
      const match = /^([\w.]+)(==|!=)(.*)$/s.exec(condition)
      if (!match) {
        throw new FlowError(400, '1401-400', 'Invalid query parameter', `Unsupported property filter '${condition}'; use field==value or field!=value`)
      }
      const [, field = '', op = '', raw = ''] = match
      const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw
      filters.push({ keys: field.split('.'), equal: op === '==', value })
    }
  }
  return filters
}

/** Hides secrets: the password part of a connection string, and the whole value of other secrets. */
function maskParams(/** @type {Record<string, unknown>} */ params) {
  /** @type {Record<string, unknown>} */
  const masked = {}
  for (const [key, value] of Object.entries(params ?? {})) {
    if (!SECRET_PARAM.test(key)) masked[key] = value
    else if (key === 'connectionString' && typeof value === 'string' && /pwd=/i.test(value)) {
      // Everything from "Pwd=" on is dropped (not just up to the next ';') because a password may itself
      // contain ';'.
      masked[key] = `${value.slice(0, value.search(/pwd=/i))}Pwd=****;`
    } else masked[key] = '****'
  }
  return masked
}

/** The API view of a stored connection: ConnectionItemDTO fields only, secrets hidden. */
function present(/** @type {any} */ c) {
  return {
    id: c.id,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    createdBy: c.createdBy,
    updatedBy: c.updatedBy,
    createdClient: c.createdClient,
    updatedClient: c.updatedClient,
    sandboxId: c.sandboxId,
    sandboxName: c.sandboxName,
    imsOrgId: c.imsOrgId,
    name: c.name,
    ...(c.description === undefined ? {} : { description: c.description }),
    connectionSpec: { ...c.connectionSpec },
    state: c.state,
    auth: { specName: c.auth.specName, params: maskParams(c.auth.params) },
    version: c.version,
    etag: c.etag
  }
}

/** JSON Pointer (RFC 6901) segments of a patch path. */
const pointerSegments = (/** @type {string} */ path) =>
  path
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))

/** A patch op Flow Service refuses: a path that does not exist (1365-400) or a failed validation (1455-400). */
const badPatchPath = (/** @type {string} */ path, /** @type {string} */ why) => new FlowError(400, '1365-400', 'Invalid patch path', `Path '${path}' ${why}`)

/**
 * Applies one ADD/REPLACE/REMOVE op to `target` in place. A path whose parent does not exist gives
 * 1365-400 ("a patch path that does not exist", help/sources/tutorials/api/update.md). `add` creates or
 * replaces the member (RFC 6902 4.1). `replace` of an absent member: strictly (RFC 6902 4.3) it fails,
 * with 1455-400 "Missing field" (help/sources/errors/flow-service-errors.md); leniently it acts as add,
 * as this server always did.
 */
function applyPatchOp(/** @type {any} */ target, /** @type {{op: string, path: string, value?: unknown}} */ { op, path, value }, strict = false) {
  const segments = pointerSegments(path)
  const last = segments.pop()
  let parent = target
  for (const segment of segments) {
    if (parent === null || typeof parent !== 'object' || !Object.hasOwn(parent, segment)) throw badPatchPath(path, 'does not exist')
    parent = parent[segment]
  }
  if (last === undefined || parent === null || typeof parent !== 'object') throw badPatchPath(path, 'cannot be patched')
  const missing = () => new FlowError(400, '1455-400', 'Missing field', `Patch validation failed: ${op.toLowerCase()} of '${path}', which does not exist`)
  if (op === 'REMOVE') {
    if (!Object.hasOwn(parent, last)) throw missing()
    delete parent[last]
  } else {
    if (op === 'REPLACE' && strict && !Object.hasOwn(parent, last)) throw missing()
    parent[last] = structuredClone(value)
  }
}

/**
 * A query string decoded as Adobe's filter examples are written (help/dataflows/api/sort-and-filter.md:
 * `property=description==Test%20description`): percent-decoding only, so a `+` stays a plus sign. URL
 * form-decoding (URLSearchParams) would read it as a space. Malformed escapes throw URIError.
 */
function percentDecodedQuery(/** @type {string} */ rawQuery) {
  const params = new URLSearchParams()
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue
    const at = piece.indexOf('=')
    params.append(decodeURIComponent(at < 0 ? piece : piece.slice(0, at)), at < 0 ? '' : decodeURIComponent(piece.slice(at + 1)))
  }
  return params
}

/** A percent-decoded path segment; a malformed one is kept as is (it then simply matches no id). */
function decodeSegment(/** @type {string} */ segment) {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

const lowerCaseHeaders = (/** @type {import('node:http').IncomingMessage} */ req) => {
  /** @type {Record<string, string>} */
  const headers = {}
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = String(req.rawHeaders[i]).toLowerCase()
    const value = String(req.rawHeaders[i + 1])
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value
  }
  return headers
}

const isJsonContentType = (/** @type {string | undefined} */ value) => /^application\/json\s*(;|$)/i.test(value ?? '')

/**
 * @param {import('./fake-platform.mjs').FakePlatformOptions} [options]
 * @returns {Promise<import('./fake-platform.mjs').FakePlatform>}
 */
export async function startFakePlatform(options = {}) {
  const {
    latencyMs = 0,
    clientId = 'test-client-id',
    clientSecret = 'test-client-secret',
    accessToken = `eyJ${randomBytes(43).toString('base64url')}`,
    imsOrgId = 'TESTORG@AdobeOrg',
    sandboxes = ['prod'],
    pageSize = 100,
    strict = false,
    notFoundCode = '1101-404',
    stateRefusal = 'per-operation',
    lingerOnDelete = false,
    profile = 'azure',
    awsSslModeType = 'boolean',
    authSpecs = mysqlAuthSpecs(profile, awsSslModeType),
    now = Date.now,
    port = 0
  } = options
  const validators = compileValidators()
  // The MySQL connection spec this organisation sees: served by GET /connectionSpecs and enforced on writes.
  const mysqlSpec = {
    id: MYSQL_SPEC_ID,
    name: 'mysql',
    providerId: '0ed90a81-07f4-4586-8190-b40eccef1c5a',
    version: '1.0',
    attributes: { category: 'database', isSource: true },
    authSpec: structuredClone(authSpecs)
  }
  /** @type {Map<string, any>} auth spec name -> compiled JSON schema */
  const authValidators = new Map(mysqlSpec.authSpec.map((/** @type {any} */ a) => [a.name, validators.compile(a.spec)]))
  const sandboxIds = new Map(sandboxes.map((name) => [name, randomUUID()]))
  const startedAt = performance.now()
  /** Aborted by close() so that requests waiting out `latencyMs` stop waiting. */
  const closing = new AbortController()

  /** @type {any[]} */
  const requests = []
  /** @type {Map<string, any>} */
  const connections = new Map()
  /** @type {{method: string, path: string, errors: string}[]} */
  const invalidBodies = []
  /** @type {any[]} */
  const faults = []
  /** Creates a 'commit-after-lookups' fault holds back: {ctx, collection, lookups} (see takeLookup). */
  /** @type {any[]} */
  const pendingCommits = []
  /** @type {Set<(request: any) => void>} */
  const watchers = new Set()

  /** Builds and stores a connection without any validation (seeding is a test's own business). */
  function addConnection(/** @type {any} */ partial) {
    const now = Date.now()
    const etag = newEtag()
    const sandboxName = partial.sandboxName ?? sandboxes[0] ?? 'prod'
    const connection = {
      id: partial.id ?? randomUUID(),
      createdAt: now,
      updatedAt: now,
      createdBy: `${clientId}@AdobeID`,
      updatedBy: `${clientId}@AdobeID`,
      createdClient: clientId,
      updatedClient: clientId,
      sandboxId: sandboxIds.get(sandboxName) ?? randomUUID(),
      sandboxName,
      imsOrgId,
      name: partial.name,
      ...(partial.description === undefined ? {} : { description: partial.description }),
      connectionSpec: { id: partial.specId ?? MYSQL_SPEC_ID, version: '1.0' },
      state: partial.state ?? 'enabled',
      auth: partial.auth ?? {
        specName: 'Connection String Based Authentication',
        params: { connectionString: 'Server=seed.example.com;Port=3306;Database=seed;Uid=seed;Pwd=seed-password;' }
      },
      version: etag,
      etag,
      usedByFlow: partial.usedByFlow ?? false,
      tables: partial.tables ?? [...DEFAULT_TABLES],
      columns: structuredClone(partial.columns ?? {}),
      testResult: partial.testResult ?? true,
      patchRefusal: partial.patchRefusal
    }
    connections.set(connection.id, connection)
    return connection
  }

  /** Records an invalid body and returns the 400 to throw: 1302-400 unless another code is given. */
  function invalidBody(/** @type {string} */ method, /** @type {string} */ path, /** @type {string} */ errors, code = '1302-400', title = 'Invalid request body') {
    invalidBodies.push({ method, path, errors, code })
    return new FlowError(400, code, title, errors)
  }

  /**
   * Checks a connection's auth against the auth specs this server serves; other connection specs are not
   * checked. An auth spec the MySQL spec does not offer (e.g. connection-string auth on the AWS profile)
   * gives 1415-400; the detail does not list the offered ones (read GET /connectionSpecs/{id} for those).
   */
  function checkAuth(/** @type {string} */ method, /** @type {string} */ path, /** @type {any} */ specId, /** @type {any} */ auth) {
    if (specId !== MYSQL_SPEC_ID) return
    const validate = typeof auth?.specName === 'string' ? authValidators.get(auth.specName) : undefined
    if (!validate) {
      throw invalidBody(method, path, `Invalid auth spec name '${auth?.specName}' for connection spec ${MYSQL_SPEC_ID}`, '1415-400', 'Invalid auth spec')
    }
    if (!validate(auth.params)) throw invalidBody(method, path, validators.errorsText(validate.errors, 'auth.params'))
  }

  /** A connection's state allows updates and deletes only while enabled, disabled or initializing. */
  function checkState(/** @type {any} */ c, /** @type {'PATCH' | 'DELETE'} */ method) {
    if (['enabled', 'disabled', 'initializing'].includes(c.state)) return
    const verb = method === 'PATCH' ? 'Update' : 'Delete'
    // help/sources/errors/flow-service-errors.md lists both 1416-400 (update/delete only in states enabled,
    // disabled, initializing) and, for a connection being deleted, 1457-400 / 1458-400; which one a real
    // server answers is not documented, so `stateRefusal` picks.
    if (stateRefusal === 'per-operation' && c.state === 'delete-finalizing') {
      const code = method === 'PATCH' ? '1457-400' : '1458-400'
      throw new FlowError(400, code, `${verb} not allowed`, `${verb} operation cannot be applied in state delete-finalizing`)
    }
    throw new FlowError(400, '1416-400', `${verb} not allowed`, `${verb} is allowed only in states enabled, disabled, initializing; connection ${c.id} is ${c.state}`)
  }

  const dataflow = createDataflowService({
    FlowError,
    invalidBody,
    validators,
    listItems: (/** @type {any} */ ctx, /** @type {string} */ collection, /** @type {any[]} */ items) => listItems(ctx, collection, items),
    applyPatchOp,
    newEtag,
    notFoundCode,
    strict,
    now,
    clientId,
    imsOrgId,
    mysqlSpecId: MYSQL_SPEC_ID,
    flowBase: FLOW_BASE,
    defaultSandbox: sandboxes[0] ?? 'prod',
    findBaseConnection: (/** @type {string} */ id, /** @type {string} */ sandboxName) => {
      const c = connections.get(id)
      return c && c.sandboxName === sandboxName ? c : undefined
    },
    options
  })

  // ---- Flow Service handlers: each returns {status, body?, headers?} or throws a FlowError. ----

  /**
   * The request's query parameters. Strictly, percent-decoded only (a `+` is a plus sign, as in Adobe's
   * examples, help/dataflows/api/sort-and-filter.md); leniently, form-decoded (a `+` is a space).
   */
  function queryOf(/** @type {any} */ ctx) {
    if (!strict) return ctx.url.searchParams
    try {
      return percentDecodedQuery(ctx.rawQuery)
    } catch {
      throw new FlowError(400, '1401-400', 'Invalid query parameter', 'Malformed percent-encoding in the query string')
    }
  }

  function listConnections(/** @type {any} */ ctx) {
    return listItems(
      ctx,
      'connections',
      [...connections.values()].filter((c) => c.sandboxName === ctx.sandboxName),
      present
    )
  }

  /**
   * A Flow Service list: `property` filters (on the stored items), `orderby`, `limit`, `count` and
   * pages linked by `_links.next`, as GET /connections answers; other collections answer the same way.
   */
  function listItems(/** @type {any} */ ctx, /** @type {string} */ collection, /** @type {any[]} */ items, show = (/** @type {any} */ item) => item) {
    const q = queryOf(ctx)
    if (q.has('limit') && q.has('count')) {
      throw new FlowError(400, '1401-400', 'Invalid query parameter', "The query parameters 'limit' and 'count' cannot be used together")
    }
    let limit = pageSize
    if (q.has('limit')) {
      const requested = Number(q.get('limit'))
      if (!Number.isInteger(requested) || requested < 1) {
        throw new FlowError(400, '1401-400', 'Invalid query parameter', `Invalid limit '${q.get('limit')}'`)
      }
      limit = Math.min(requested, pageSize)
    }
    // The continuation token is an opaque offset into the filtered, ordered result.
    let offset = 0
    if (q.has('continuationToken')) {
      offset = Number(Buffer.from(q.get('continuationToken'), 'base64url').toString())
      if (!Number.isInteger(offset) || offset < 0) {
        throw new FlowError(400, '1401-400', 'Invalid query parameter', 'Invalid continuationToken')
      }
    }
    const filters = parseFilters(q.getAll('property'))
    const matches = []
    for (const c of items) {
      if (filters.every(({ keys, equal, value }) => (String(fieldOf(c, keys)) === value) === equal)) matches.push(c)
    }
    const orderby = q.get('orderby')
    if (orderby) {
      const descending = orderby.startsWith('-')
      const keys = orderby.replace(/^[-+]/, '').split('.')
      matches.sort((a, b) => {
        const x = fieldOf(a, keys)
        const y = fieldOf(b, keys)
        return (x < y ? -1 : x > y ? 1 : 0) * (descending ? -1 : 1)
      })
    }
    /** @type {any} */
    const body = { items: matches.slice(offset, offset + limit).map(show), _links: {} }
    if (offset + limit < matches.length) {
      const token = Buffer.from(String(offset + limit)).toString('base64url')
      if (strict) {
        // The next link as Adobe shows it (`/connections?continuationToken=…`), and a token that is only an
        // offset: the filters are not kept in it. Whether the real token keeps them is not documented, and
        // Adobe's Python SDK (aepp/flowservice.py) sends its query parameters again with the next link.
        body._links.next = { href: `/${collection}?continuationToken=${token}` }
      } else {
        // Same query (filters, orderby, limit) with the next token, relative to the Flow Service base path.
        const next = new URLSearchParams(q)
        next.set('continuationToken', token)
        body._links.next = { href: `/${collection}?${next}` }
      }
    }
    if (q.get('count') === 'true') body.count = matches.length
    return { status: 200, body }
  }

  function createConnection(/** @type {any} */ ctx) {
    const { json } = ctx
    if (!validators.create(json)) {
      throw invalidBody(ctx.method, ctx.path, validators.errorsText(validators.create.errors, 'body'))
    }
    if (json.connectionSpec.id !== MYSQL_SPEC_ID) {
      throw invalidBody(ctx.method, ctx.path, `Unknown connection spec id '${json.connectionSpec.id}'`)
    }
    checkAuth(ctx.method, ctx.path, json.connectionSpec.id, json.auth)
    const c = addConnection({
      name: json.name,
      description: json.description,
      specId: json.connectionSpec.id,
      auth: structuredClone(json.auth),
      sandboxName: ctx.sandboxName
    })
    c.connectionSpec.version = json.connectionSpec.version
    return {
      status: 201,
      headers: { location: `${FLOW_BASE}/connections/${c.id}` },
      body: { id: c.id, etag: c.etag }
    }
  }

  /** The connection addressed by the path, if it lives in the request's sandbox. */
  function findConnection(/** @type {any} */ ctx) {
    const c = connections.get(ctx.id)
    if (!c || c.sandboxName !== ctx.sandboxName) {
      // 1101-404 in the Flow Service catalogue; help/sources/errors/sources-errors.md also lists 1003-404 and
      // 1102-404 "Resource not found", and real answers for flows carry 1439-404: `notFoundCode` picks.
      throw new FlowError(404, notFoundCode, 'Resource not found', `Resource with given id does not exist: ${ctx.id}`)
    }
    return c
  }

  function patchConnection(/** @type {any} */ ctx) {
    const c = findConnection(ctx)
    checkState(c, 'PATCH')
    // help/sources/tutorials/api/update.md: PATCH may be refused for a connector (1300-400) or not be
    // enabled (1445-400). The wording of these answers is ours.
    if (c.patchRefusal === '1300-400') {
      throw new FlowError(400, '1300-400', 'Operation not supported', `PATCH is not supported for connection ${c.id} of this connection spec`)
    }
    if (c.patchRefusal === '1445-400') {
      throw new FlowError(400, '1445-400', 'Operation not enabled', `Update is not enabled for connection ${c.id}`)
    }
    const ifMatch = ctx.headers['if-match']
    if (ifMatch === undefined) {
      throw new FlowError(400, '1403-400', 'Missing header', "The header 'If-Match' is missing")
    }
    if (ifMatch !== c.etag) {
      throw new FlowError(412, '1404-412', 'Precondition failed', `Version not matching: If-Match ${ifMatch} does not match the current etag ${c.etag}`)
    }
    const { json } = ctx
    if (!Array.isArray(json) || json.length === 0) {
      throw invalidBody(ctx.method, ctx.path, 'body must be a non-empty JSON array of patch operations')
    }
    const ops = json.map((item, index) => {
      const op = { ...item, op: typeof item?.op === 'string' ? item.op.toUpperCase() : item?.op }
      const validate = op.op === 'REMOVE' ? validators.patchRemove : TEXT_PATCH_PATHS.has(op.path) && typeof op.value === 'string' ? validators.patchText : validators.patch
      // A connection's spec cannot be changed (1414-400); other paths outside name, description and auth
      // do not exist for a patch (1365-400); both from help/sources/tutorials/api/update.md.
      if (typeof op.path !== 'string') throw invalidBody(ctx.method, ctx.path, `body[${index}].path must be a string`)
      if (/^\/connectionSpec(\/|$)/.test(op.path)) {
        throw invalidBody(ctx.method, ctx.path, `body[${index}]: the connection spec of a connection cannot be changed`, '1414-400', 'Connection spec cannot be changed')
      }
      if (!TEXT_PATCH_PATHS.has(op.path) && !/^\/auth(\/|$)/.test(op.path)) {
        throw invalidBody(ctx.method, ctx.path, `body[${index}].path '${op.path}' cannot be patched`, '1365-400', 'Invalid patch path')
      }
      if (!validate(op)) throw invalidBody(ctx.method, ctx.path, validators.errorsText(validate.errors, `body[${index}]`))
      return op
    })
    // Work on a copy so that a failing op leaves the stored connection untouched. An absent description
    // stays absent (a `replace` of it is then strictly an error).
    const draft = structuredClone({ name: c.name, ...(c.description === undefined ? {} : { description: c.description }), auth: c.auth })
    try {
      for (const op of ops) applyPatchOp(draft, op, strict)
    } catch (error) {
      if (error instanceof FlowError) throw invalidBody(ctx.method, ctx.path, error.message, error.code, error.title)
      throw error
    }
    if (typeof draft.name !== 'string' || draft.name === '') throw invalidBody(ctx.method, ctx.path, 'name must be a non-empty string')
    checkAuth(ctx.method, ctx.path, c.connectionSpec.id, draft.auth)
    c.name = draft.name
    if (draft.description === undefined) delete c.description
    else c.description = draft.description
    c.auth = draft.auth
    c.etag = c.version = newEtag()
    c.updatedAt = Date.now()
    return { status: 200, body: { id: c.id, etag: c.etag } }
  }

  function deleteConnection(/** @type {any} */ ctx) {
    const c = findConnection(ctx)
    checkState(c, 'DELETE')
    if (c.usedByFlow || dataflow.baseConnectionInUse(c.id)) {
      throw new FlowError(400, '1418-400', 'Connection in use', 'The connection is being used by a dataflow; delete the dataflow first')
    }
    // A deleted connection lingers in state delete-finalizing (help/sources/errors/flow-service-errors.md,
    // 1457-400 / 1458-400): with lingerOnDelete it stays listed in that state, and is refused further
    // updates and deletes.
    if (lingerOnDelete) {
      c.state = 'delete-finalizing'
      c.updatedAt = Date.now()
    } else connections.delete(c.id)
    return { status: 204 }
  }

  /**
   * objectType=root lists the tables (a bare array); objectType=table&object=PATH the table's columns
   * (explore/tabular.md). Adobe's examples write the values lower-case, the spec's enum upper-case: both
   * are accepted. Error codes from sources-errors.md: 1337-400 no `object`, 1330-400 no such table,
   * 1358-400 another objectType.
   */
  function explore(/** @type {any} */ ctx) {
    const c = findConnection(ctx)
    const objectType = (ctx.url.searchParams.get('objectType') ?? 'root').toLowerCase()
    if (objectType === 'root') {
      return {
        status: 200,
        body: c.tables.map((/** @type {string} */ name) => ({ type: 'table', name, path: name, canPreview: true, canFetchSchema: true }))
      }
    }
    if (objectType !== 'table') throw new FlowError(400, '1358-400', 'Invalid objectType', `Invalid objectType '${objectType}'`)
    const table = ctx.url.searchParams.get('object')
    if (!table) throw new FlowError(400, '1337-400', 'Invalid query parameter', 'The object cannot be empty for objectType=table')
    if (!c.tables.includes(table)) throw new FlowError(400, '1330-400', 'No columns', `No columns were found for table ${table}`)
    return { status: 200, body: { format: 'flat', schema: { columns: structuredClone(c.columns[table] ?? defaultColumns()) } } }
  }

  function getConnection(/** @type {any} */ ctx) {
    return { status: 200, body: { items: [present(findConnection(ctx))] } }
  }

  function testConnection(/** @type {any} */ ctx) {
    return { status: 200, body: { result: findConnection(ctx).testResult } }
  }

  /**
   * GET /connectionSpecs?property=name=="mysql" and GET /connectionSpecs/{id}: only the MySQL spec exists
   * here. Both answer `{"items": [spec]}` (reference notes: Experience Platform on AWS).
   */
  function listConnectionSpecs(/** @type {any} */ ctx) {
    const filters = parseFilters(queryOf(ctx).getAll('property'))
    const matches = filters.every(({ keys, equal, value }) => (String(fieldOf(mysqlSpec, keys)) === value) === equal)
    return { status: 200, body: { items: matches ? [structuredClone(mysqlSpec)] : [] } }
  }

  function getConnectionSpec(/** @type {any} */ ctx) {
    if (ctx.id === DATA_LAKE_SPEC_ID) return { status: 200, body: { items: [dataLakeConnectionSpec()] } }
    if (ctx.id !== MYSQL_SPEC_ID) {
      throw new FlowError(404, notFoundCode, 'Resource not found', `Resource with given id does not exist: ${ctx.id}`)
    }
    return { status: 200, body: { items: [structuredClone(mysqlSpec)] } }
  }

  /** @type {Record<string, Record<string, Record<string, (ctx: any) => any>>>} */
  const routes = {
    connections: {
      collection: { GET: listConnections, POST: createConnection },
      item: { GET: getConnection, PATCH: patchConnection, DELETE: deleteConnection },
      explore: { GET: explore },
      test: { GET: testConnection }
    },
    connectionSpecs: {
      collection: { GET: listConnectionSpecs },
      item: { GET: getConnectionSpec }
    },
    ...dataflow.routes
  }

  /** Dispatches a Flow Service request (after the gateway checks). */
  function routeFlow(/** @type {any} */ ctx) {
    // A trailing slash is accepted everywhere: the spec itself documents DELETE as /connections/{id}/.
    const [collection = '', id, action, ...rest] = ctx.path.slice(FLOW_BASE.length).split('/').filter(Boolean)
    const kind = id === undefined ? 'collection' : (action ?? 'item')
    const table = Object.hasOwn(routes, collection) ? routes[collection] : undefined
    if (table && rest.length === 0 && Object.hasOwn(table, kind)) {
      ctx.id = id === undefined ? undefined : decodeSegment(id)
      const handler = table[kind]?.[ctx.method]
      if (!handler) throw new FlowError(405, '1000-405', 'Method not allowed', `${ctx.method} is not supported on ${ctx.path}`)
      return handler(ctx)
    }
    throw new FlowError(404, '1000-404', 'Not found', `No route for ${ctx.method} ${ctx.path}`)
  }

  /** The API gateway's checks, then the service's own header checks, then routing to the service. */
  function handlePlatform(/** @type {any} */ ctx) {
    const h = ctx.headers
    const bearer = /^Bearer\s+(.+)$/i.exec(h.authorization ?? '')
    if (bearer?.[1] !== accessToken) return { status: 401, body: { error_code: '401013', message: 'Oauth token is not valid' } }
    if (h['x-api-key'] === undefined) return { status: 403, body: { error_code: '403000', message: 'Api Key is required' } }
    if (h['x-api-key'] !== clientId) return { status: 403, body: { error_code: '403003', message: 'Api Key is invalid' } }
    if (h['x-gw-ims-org-id'] !== imsOrgId) return { status: 403, body: { error_code: '403025', message: 'Profile is not valid' } }
    ctx.sandboxName = h['x-sandbox-name'] ?? 'prod'
    if (!sandboxIds.has(ctx.sandboxName)) {
      throw new FlowError(404, '2100-404', 'Sandbox not found', `Sandbox '${ctx.sandboxName}' does not exist in organization ${imsOrgId}`)
    }
    // A state action (POST …/action?op=…) needs no body: aepp sends neither body nor Content-Type.
    const bodyless = ctx.method === 'POST' && /\/action\/?$/.test(ctx.path) && ctx.body === ''
    if ((['POST', 'PUT', 'PATCH'].includes(ctx.method) && !bodyless) || ctx.body !== '') {
      if (!isJsonContentType(h['content-type'])) {
        throw new FlowError(415, '1001-415', 'Unsupported media type', `Content-Type must be application/json, got '${h['content-type'] ?? ''}'`)
      }
      if (ctx.json === undefined) throw invalidBody(ctx.method, ctx.path, 'body is not valid JSON')
    }
    if (ctx.path.startsWith(`${CATALOG_BASE}/`)) return dataflow.handleCatalog(ctx)
    if (ctx.path.startsWith(`${CONVERSION_BASE}/`)) return dataflow.handleConversion(ctx)
    return routeFlow(ctx)
  }

  function handleIms(/** @type {any} */ ctx) {
    if (ctx.method !== 'POST') return { status: 405, body: { error: 'invalid_request', error_description: 'POST required' } }
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(ctx.headers['content-type'] ?? '')) {
      return { status: 400, body: { error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded' } }
    }
    const form = new URLSearchParams(ctx.body)
    const grantType = form.get('grant_type')
    if (!grantType) return { status: 400, body: { error: 'invalid_request', error_description: 'grant_type parameter is missing' } }
    if (grantType !== 'client_credentials') {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: `unsupported grant_type ${grantType}` } }
    }
    if (form.get('client_id') !== clientId) return { status: 401, body: { error: 'invalid_client', error_description: 'invalid client_id parameter' } }
    if (form.get('client_secret') !== clientSecret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'invalid client_secret parameter' } }
    }
    return { status: 200, body: { access_token: accessToken, token_type: 'bearer', expires_in: 86399 } }
  }

  /** Normal handling of a request, as a response description (never writes to the socket itself). */
  function handle(/** @type {any} */ ctx) {
    try {
      if (ctx.path === IMS_TOKEN_PATH) return handleIms(ctx)
      if ([FLOW_BASE, CATALOG_BASE, CONVERSION_BASE].some((base) => ctx.path === base || ctx.path.startsWith(`${base}/`))) return handlePlatform(ctx)
      throw new FlowError(404, '1000-404', 'Not found', `No route for ${ctx.method} ${ctx.path}`)
    } catch (error) {
      if (error instanceof FlowError) return flowErrorResponse(error, ctx.requestId)
      const message = error instanceof Error ? error.message : String(error)
      return flowErrorResponse(new FlowError(500, '1000-500', 'Internal error', `fake-platform bug: ${message}`), ctx.requestId)
    }
  }

  /** The first queued fault matching the request, consuming one use of it. */
  function takeFault(/** @type {string} */ method, /** @type {string} */ path) {
    const index = faults.findIndex((f) => {
      if (f.method !== undefined && f.method.toUpperCase() !== method) return false
      if (f.path === undefined) return true
      if (typeof f.path === 'string') return f.path === path
      f.path.lastIndex = 0 // a /g or /y RegExp remembers where it stopped
      return f.path.test(path)
    })
    if (index < 0) return undefined
    const fault = faults[index]
    if (--fault.remaining <= 0) faults.splice(index, 1)
    return fault
  }

  /** The response a fault with a `status` gives, with a plausible default body per endpoint. */
  function faultResponse(/** @type {any} */ fault, /** @type {any} */ ctx) {
    const { status = 500, body, headers } = fault
    if (body !== undefined) return { status, body, headers }
    if (status === 429) return { status, body: { error_code: '429050', message: 'Too many requests' }, headers }
    if (ctx.path === IMS_TOKEN_PATH) return { status, body: { error: 'server_error', error_description: STATUS_CODES[status] ?? 'error' }, headers }
    const title = STATUS_CODES[status] ?? 'Error'
    return { ...flowErrorResponse(new FlowError(status, `1000-${status}`, title, `Injected fault: ${title}`), ctx.requestId), headers }
  }

  function flowErrorResponse(/** @type {FlowError} */ error, /** @type {string} */ requestId) {
    return {
      status: error.status,
      body: {
        type: `https://ns.adobe.com/aep/errors/FLOW-${error.code}`,
        title: error.title,
        status: error.status,
        report: { 'detailed-message': error.message, 'request-id': requestId },
        errorMessage: error.message
      }
    }
  }

  function send(/** @type {import('node:http').ServerResponse} */ res, /** @type {any} */ response, /** @type {string} */ requestId) {
    /** @type {Record<string, string>} */
    const headers = { 'x-request-id': requestId, ...response.headers }
    let payload = ''
    if (response.status !== 204 && response.body !== undefined) {
      const isText = typeof response.body === 'string'
      payload = isText ? response.body : JSON.stringify(response.body)
      if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
        headers['content-type'] = isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8'
      }
    }
    res.writeHead(response.status, headers)
    res.end(payload)
  }

  async function onRequest(/** @type {import('node:http').IncomingMessage} */ req, /** @type {import('node:http').ServerResponse} */ res) {
    const at = performance.now() - startedAt
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const body = Buffer.concat(chunks).toString('utf8')
    const url = new URL(req.url ?? '/', 'http://fake-platform')
    const method = (req.method ?? 'GET').toUpperCase()
    const headers = lowerCaseHeaders(req)
    /** @type {Record<string, string[]>} */
    const query = {}
    for (const [key, value] of url.searchParams) (query[key] ??= []).push(value)
    let json
    try {
      json = body === '' ? undefined : JSON.parse(body)
    } catch {
      json = undefined
    }
    // The request target exactly as sent, and its query string (it never holds a fragment).
    const target = req.url ?? '/'
    const rawQuery = target.includes('?') ? target.slice(target.indexOf('?') + 1) : ''
    const record = { method, target, path: url.pathname, query, rawQuery, headers, body, json, at }
    requests.push(record)
    const requestId = randomBytes(16).toString('hex')
    const ctx = { method, path: url.pathname, url, rawQuery, headers, body, json, requestId }

    if (method === 'GET') commitHeldBack(url.pathname)
    const fault = takeFault(method, url.pathname)
    if (fault) record.fault = fault.action ?? String(fault.status ?? 500)
    if (fault?.action === 'commit-after-lookups') {
      // Answered now as the gateway gives up; the backend commits later, counted in lookups, not in time.
      pendingCommits.push({ ctx, collection: url.pathname.replace(/\/$/, ''), lookups: fault.lookups ?? 1 })
      return send(res, faultResponse({ status: 504, ...fault }, ctx), requestId)
    }
    for (const watch of [...watchers]) watch(record)
    // A slow answer: Adobe's gateway ends requests only after 60 s (reference notes, "Timeouts"), and
    // explore against a slow database can take tens of seconds. 'delay' waits `ms`, then answers normally.
    const wait = latencyMs + (fault?.action === 'delay' ? (fault.ms ?? 0) : 0)
    if (wait > 0) {
      try {
        await sleep(wait, undefined, { signal: closing.signal })
      } catch {
        return // the server is closing; its sockets are being destroyed
      }
    }
    const action = fault?.action === 'delay' ? undefined : fault?.action
    if (action === 'hang') return // never answered; close() destroys the socket
    if (action === 'reset') return resetSocket(req)
    const response = fault && fault.action === undefined ? faultResponse(fault, ctx) : handle(ctx)
    if (action === 'reset-after-commit') return resetSocket(req)
    // A client that gave up on a slow answer has closed its socket: the work is done, nobody hears of it.
    if (req.socket.destroyed) return
    send(res, action === 'status-after-commit' ? faultResponse(fault, ctx) : response, requestId)
  }

  /**
   * A lookup (GET of the collection) a held-back create waits for: the first `lookups` of them miss it,
   * the next one finds it committed. Its answer is lost: the create's client never hears of it.
   */
  function commitHeldBack(/** @type {string} */ path) {
    const collection = path.replace(/\/$/, '')
    for (const pending of [...pendingCommits]) {
      if (pending.collection !== collection) continue
      if (pending.lookups > 0) {
        pending.lookups--
        continue
      }
      pendingCommits.splice(pendingCommits.indexOf(pending), 1)
      handle(pending.ctx)
    }
  }

  /** Drops the connection with a TCP RST, so the client sees ECONNRESET rather than a clean close. */
  function resetSocket(/** @type {import('node:http').IncomingMessage} */ req) {
    req.socket.resetAndDestroy()
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((error) => {
      // Only reachable if the socket broke mid-request; nothing sensible to answer.
      if (!res.headersSent && res.writable) send(res, flowErrorResponse(new FlowError(500, '1000-500', 'Internal error', String(error)), 'none'), 'none')
    })
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(undefined))
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('fake-platform: unexpected server address')

  return {
    url: `http://127.0.0.1:${address.port}`,
    accessToken,
    requests,
    connections,
    invalidBodies,
    addConnection,
    ...dataflow.stores,
    addDataset: dataflow.addDataset,
    seed(count, make) {
      for (let i = 0; i < count; i++) addConnection(make(i))
    },
    watch(watcher) {
      watchers.add(watcher)
      return () => watchers.delete(watcher)
    },
    inject(fault) {
      faults.push({ ...fault, remaining: fault.times ?? 1 })
    },
    reset() {
      // Emptied in place so that references a test already holds stay live.
      requests.length = 0
      invalidBodies.length = 0
      faults.length = 0
      pendingCommits.length = 0
      connections.clear()
      dataflow.reset()
    },
    close() {
      closing.abort()
      return new Promise((resolve) => {
        server.close(() => resolve())
        // Hanging, in-flight and idle keep-alive sockets would otherwise keep the process (and jest) alive.
        server.closeAllConnections()
      })
    }
  }
}
