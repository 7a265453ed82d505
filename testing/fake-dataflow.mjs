/**
 * The dataflow half of the fake platform: what turns a MySQL base connection into a running dataflow.
 * Flow Service source and target connections, flows, flow specs and runs; Catalog datasets; Data Prep
 * mapping sets. fake-platform.mjs owns the server, the gateway checks, the faults and the base
 * connections, and mounts these handlers; types: see fake-platform.d.mts.
 *
 * Bodies are checked against Adobe's OpenAPI spec where it describes them and against the database
 * dataflow tutorial, the Data Prep reference and the sources error catalogue elsewhere (all summarised
 * in the reference notes on dataflows). Where those sources disagree, both forms are accepted by default
 * and an option selects one, so a suite can run a client against each.
 */
import { randomUUID, randomBytes } from 'node:crypto'

export const DATA_LAKE_SPEC_ID = 'c604ff05-7f1a-43c0-8e18-33bf874cb11c'
export const CRM_FLOW_SPEC_ID = '14518937-270c-4525-bdec-c2ba7cce3860'
export const CATALOG_BASE = '/data/foundation/catalog'
export const CONVERSION_BASE = '/data/foundation/conversion'

const PROVIDER_ID = '0ed90a81-07f4-4586-8190-b40eccef1c5a'
// The two spellings of a target schema version: the tutorial's, and the spec's and aepp's.
const TARGET_SCHEMA_VERSIONS = ['application/vnd.adobe.xed-full+json;version=1', 'application/vnd.adobe.xed-full+json;version=1.0']
const FREQUENCIES = ['once', 'minute', 'hour', 'day', 'week']
// Paths a flow PATCH may address (update tutorial, partial-ingestion and labels guides).
const FLOW_PATCH_PATH = /^\/(name|description|labels|options(\/\w+)?|scheduleParams(\/(startTime|frequency|interval|backfill))?|transformations(\/\d+)?)$/
const CONNECTION_PATCH_PATH = /^\/(name|description)$/

/**
 * The CRMToAEP flow spec, abridged from the CRM tutorial. 'new' (default): the `{"items": [...]}`
 * answer with `transformationSpecs`; 'old': the database tutorial's bare object with `transformationSpec`.
 * @param {'new' | 'old'} form
 * @param {string[]} sourceSpecIds
 */
export function crmFlowSpec(form = 'new', sourceSpecIds = ['26d738e0-8963-47ea-aadf-c60de735468a']) {
  const transformations = [
    { name: 'Copy', spec: { type: 'object', properties: { deltaColumn: { type: 'object', required: ['name'] } }, required: ['deltaColumn'] } },
    { name: 'Mapping', spec: { type: 'object', properties: { mappingId: { type: 'string' }, mappingVersion: { type: 'string' } } } }
  ]
  return {
    id: CRM_FLOW_SPEC_ID,
    name: 'CRMToAEP',
    providerId: PROVIDER_ID,
    version: '1.0',
    sourceConnectionSpecIds: [...sourceSpecIds],
    targetConnectionSpecIds: [DATA_LAKE_SPEC_ID],
    [form === 'old' ? 'transformationSpec' : 'transformationSpecs']: transformations,
    scheduleSpec: {
      name: 'PeriodicSchedule',
      type: 'Periodic',
      spec: {
        properties: {
          startTime: { description: 'epoch time', type: 'integer' },
          frequency: { type: 'string', enum: FREQUENCIES },
          interval: { type: 'integer' },
          backfill: { type: 'boolean', default: true }
        },
        required: ['startTime', 'frequency']
      }
    },
    attributes: { isSourceFlow: true, frequency: 'batch', isDraftModeSupported: true }
  }
}

/** The data lake target connection spec, as GET /connectionSpecs/{id} would show its identity. */
export function dataLakeConnectionSpec() {
  return { id: DATA_LAKE_SPEC_ID, name: 'Data Lake', providerId: PROVIDER_ID, version: '1.0', attributes: { isDestination: true } }
}

/** Columns explore lists for a seeded table: a key, a text column and a date-time column for the delta. */
export function defaultColumns() {
  return [
    { name: 'id', type: 'string', xdm: { type: 'string' } },
    { name: 'name', type: 'string', xdm: { type: 'string' } },
    { name: 'updated_at', type: 'string', 'meta:xdmType': 'date-time', xdm: { type: 'string', format: 'date-time' } }
  ]
}

const isObject = (/** @type {unknown} */ v) => typeof v === 'object' && v !== null && !Array.isArray(v)
const text = (/** @type {unknown} */ v) => typeof v === 'string' && v.trim() !== ''

/**
 * A schedule value in the form the options allow. 'either' (default): the tutorial's strings or the
 * spec's types; 'tutorial': strings only; 'spec': ScheduleSpecDTO's types (integer startTime, string
 * interval, boolean backfill). Returns the value as a string, as GET /flows echoes it, or undefined
 * when the form is refused.
 * @param {'startTime' | 'interval' | 'backfill'} field
 * @param {unknown} value
 * @param {'either' | 'tutorial' | 'spec'} types
 */
function scheduleValue(field, value, types) {
  const typed = { startTime: 'number', interval: 'string', backfill: 'boolean' }[field]
  if (types === 'tutorial' && typeof value !== 'string') return undefined
  if (types === 'spec' && typeof value !== typed) return undefined
  if (field === 'backfill') return value === true || value === 'true' ? 'true' : value === false || value === 'false' ? 'false' : undefined
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN
  return Number.isSafeInteger(number) ? String(number) : undefined
}

/** A mapping version as sent: the tutorial's number or the spec's string; undefined when neither. */
function mappingVersionOf(/** @type {unknown} */ value) {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value)
  return undefined
}

/**
 * @param {any} env what fake-platform.mjs shares: FlowError, invalidBody, validators, findBaseConnection,
 *   listItems, applyPatchOp, newEtag, notFoundCode, clientId, imsOrgId, now, options
 */
export function createDataflowService(env) {
  const { FlowError, invalidBody, validators, listItems, applyPatchOp, newEtag, notFoundCode, now, strict } = env
  const { scheduleTypes = 'either', mappingShape = 'either', flowSpecForm = 'new', firstRun = {} } = env.options

  /** @type {Map<string, any>} */ const sourceConnections = new Map()
  /** @type {Map<string, any>} */ const targetConnections = new Map()
  /** @type {Map<string, any>} */ const flows = new Map()
  /** @type {Map<string, any>} */ const runs = new Map()
  /** @type {Map<string, any>} */ const datasets = new Map()
  /** @type {Map<string, any>} */ const mappingSets = new Map()

  const notFound = (/** @type {string} */ kind, /** @type {string} */ id) =>
    new FlowError(404, notFoundCode, 'Resource not found', `The requested ${kind} resource ${id} is not found. Verify the resource ID before trying again.`)

  /** A stored item of this sandbox, or the documented 404. */
  function inSandbox(/** @type {Map<string, any>} */ store, /** @type {string} */ kind, /** @type {any} */ ctx, id = ctx.id) {
    const item = store.get(id)
    if (!item || item.sandboxName !== ctx.sandboxName) throw notFound(kind, id)
    return item
  }

  function stamp(/** @type {any} */ ctx) {
    const at = now()
    const etag = newEtag()
    const by = `${env.clientId}@AdobeID`
    return { id: randomUUID(), createdAt: at, updatedAt: at, createdBy: by, updatedBy: by, sandboxName: ctx.sandboxName, imsOrgId: env.imsOrgId, etag, version: etag }
  }

  function touch(/** @type {any} */ item) {
    item.etag = item.version = newEtag()
    item.updatedAt = now()
  }

  /** If-Match is required on PATCH: 1403-400 without it, 1404-412 when stale (flow-service-errors.md). */
  function checkIfMatch(/** @type {any} */ ctx, /** @type {any} */ item, required = true) {
    const ifMatch = ctx.headers['if-match']
    if (ifMatch === undefined) {
      if (required) throw new FlowError(400, '1403-400', 'Missing header', "The header 'If-Match' is missing")
      return
    }
    if (ifMatch !== item.etag) {
      throw new FlowError(412, '1404-412', 'Precondition failed', `The supplied version ${ifMatch} does not match the current version on entity ${item.etag}`)
    }
  }

  /** A JSON Patch body: a non-empty array of {op, path, value?}, op in any case; paths outside `allowed` are 1365-400. */
  function patchOps(/** @type {any} */ ctx, /** @type {RegExp} */ allowed) {
    const { json } = ctx
    if (!Array.isArray(json) || json.length === 0) throw invalidBody(ctx.method, ctx.path, 'body must be a non-empty JSON array of patch operations')
    return json.map((/** @type {any} */ item, /** @type {number} */ index) => {
      const op = typeof item?.op === 'string' ? item.op.toUpperCase() : undefined
      if (!['ADD', 'REPLACE', 'REMOVE'].includes(op ?? '')) throw invalidBody(ctx.method, ctx.path, `body[${index}].op must be add, replace or remove`)
      if (typeof item.path !== 'string') throw invalidBody(ctx.method, ctx.path, `body[${index}].path must be a string`)
      if (op !== 'REMOVE' && !Object.hasOwn(item, 'value')) throw invalidBody(ctx.method, ctx.path, `body[${index}] must have a value`)
      if (!allowed.test(item.path)) throw invalidBody(ctx.method, ctx.path, `Invalid path '${item.path}' in the patch operations`, '1365-400', 'Invalid patch path')
      return { op, path: item.path, value: item.value }
    })
  }

  /** Applies ops to a copy of `fields`; a failing op leaves the stored item untouched. */
  function patched(/** @type {any} */ ctx, /** @type {any} */ fields, /** @type {any[]} */ ops) {
    const draft = structuredClone(fields)
    try {
      for (const op of ops) applyPatchOp(draft, op, strict)
    } catch (error) {
      if (error instanceof FlowError) throw invalidBody(ctx.method, ctx.path, error.message, error.code, error.title)
      throw error
    }
    return draft
  }

  // ---- Catalog ----

  function addDataset(/** @type {any} */ partial = {}) {
    const dataset = {
      id: partial.id ?? randomBytes(12).toString('hex'),
      name: partial.name ?? 'Orders dataset',
      sandboxName: partial.sandboxName ?? env.defaultSandbox,
      schemaRef:
        partial.schemaId === null
          ? undefined
          : { id: partial.schemaId ?? `https://ns.adobe.com/tenant/schemas/${randomBytes(24).toString('hex')}`, contentType: 'application/vnd.adobe.xed+json;version=1' }
    }
    datasets.set(dataset.id, dataset)
    return dataset
  }

  /**
   * GET /dataSets/{id}: an object keyed by the dataset id (look-up-object.md); `properties` limits the
   * fields. Catalog's error bodies are not in the reference notes: the 404 reuses Flow Service's shape.
   */
  function handleCatalog(/** @type {any} */ ctx) {
    const match = /^\/dataSets\/([^/]+)\/?$/.exec(ctx.path.slice(CATALOG_BASE.length))
    if (!match || ctx.method !== 'GET') throw new FlowError(404, '1000-404', 'Not found', `No route for ${ctx.method} ${ctx.path}`)
    const dataset = datasets.get(decodeURIComponent(match[1] ?? ''))
    if (!dataset || dataset.sandboxName !== ctx.sandboxName) throw new FlowError(404, '1000-404', 'Not found', `Dataset ${match[1]} was not found`)
    /** @type {Record<string, unknown>} */
    const full = { name: dataset.name, imsOrg: env.imsOrgId, ...(dataset.schemaRef ? { schemaRef: { ...dataset.schemaRef } } : {}), created: 0, version: '1.0.0' }
    const wanted = ctx.url.searchParams.get('properties')
    const shown = wanted
      ? Object.fromEntries(
          wanted
            .split(',')
            .filter((key) => Object.hasOwn(full, key))
            .map((key) => [key, full[key]])
        )
      : full
    return { status: 200, body: { [dataset.id]: shown } }
  }

  // ---- Data Prep ----

  /**
   * A mapping set body in either documented shape: the Data Prep reference's (`outputSchema.schemaRef`,
   * rows of `sourceType`/`source`/`destination`) or the database tutorial's (`xdmSchema`, rows of
   * `sourceAttribute`/`destinationXdmPath`). `mappingShape` may insist on one. Returns the schema id and
   * the rows in the reference vocabulary.
   */
  function readMappingBody(/** @type {any} */ ctx) {
    const { json } = ctx
    const refuse = (/** @type {string} */ why) => invalidBody(ctx.method, ctx.path, why)
    if (!isObject(json)) throw refuse('body must be a JSON object')
    const reference = isObject(json.outputSchema)
    if (mappingShape === 'reference' && !reference) throw refuse('outputSchema.schemaRef is required')
    if (mappingShape === 'legacy' && reference) throw refuse('xdmSchema is required; outputSchema is not accepted')
    const schemaId = reference ? json.outputSchema?.schemaRef?.id : json.xdmSchema
    if (!text(schemaId)) throw refuse(reference ? 'outputSchema.schemaRef.id must be a non-empty string' : 'xdmSchema must be a non-empty string')
    if (!Array.isArray(json.mappings) || json.mappings.length === 0) throw refuse('mappings must be a non-empty array')
    const rows = json.mappings.map((/** @type {any} */ row, /** @type {number} */ i) => {
      if (!isObject(row)) throw refuse(`mappings[${i}] must be an object`)
      const source = reference ? row.source : row.sourceAttribute
      const destination = reference ? row.destination : row.destinationXdmPath
      if (!text(source) || !text(destination)) throw refuse(`mappings[${i}] needs ${reference ? 'source and destination' : 'sourceAttribute and destinationXdmPath'}`)
      const sourceType = reference ? row.sourceType : 'ATTRIBUTE'
      if (!['ATTRIBUTE', 'EXPRESSION'].includes(sourceType)) throw refuse(`mappings[${i}].sourceType must be ATTRIBUTE or EXPRESSION`)
      return { sourceType, source, destination }
    })
    const destinations = rows.map((/** @type {any} */ r) => r.destination)
    const twice = destinations.find((/** @type {string} */ d, /** @type {number} */ i) => destinations.indexOf(d) !== i)
    if (twice !== undefined) throw refuse(`destination '${twice}' is mapped twice`)
    return { schemaId, rows }
  }

  /** The stored form of a version: both vocabularies, as the Data Prep look-up answers show. */
  function presentMappingSet(/** @type {any} */ set, /** @type {number} */ version) {
    const v = set.versions[version]
    return {
      id: set.id,
      version,
      createdDate: set.createdDate,
      modifiedDate: v.modifiedDate,
      createdBy: `${env.clientId}@AdobeID`,
      modifiedBy: `${env.clientId}@AdobeID`,
      outputSchema: { schemaRef: { id: v.schemaId, contentType: 'application/vnd.adobe.xed-full+json;version=1' } },
      xdmSchema: v.schemaId,
      mappings: v.rows.map((/** @type {any} */ r) => ({
        sourceType: r.sourceType === 'ATTRIBUTE' ? 'text/x.schema-path' : 'text/x.aep-xl',
        source: r.source,
        destination: r.destination,
        sourceAttribute: r.source,
        destinationXdmPath: r.destination,
        identity: false,
        primaryIdentity: false
      }))
    }
  }

  /** POST /mappingSets answers 200 (mapping-set.md), PUT /mappingSets/{id} adds a version, GET reads one. */
  function handleConversion(/** @type {any} */ ctx) {
    const [collection, rawId, ...rest] = ctx.path.slice(CONVERSION_BASE.length).split('/').filter(Boolean)
    if (collection !== 'mappingSets' || rest.length > 0) throw new FlowError(404, '1000-404', 'Not found', `No route for ${ctx.method} ${ctx.path}`)
    const summary = (/** @type {any} */ set, /** @type {number} */ version) => {
      const { id, createdDate, modifiedDate, createdBy, modifiedBy } = presentMappingSet(set, version)
      return { id, version, createdDate, modifiedDate, createdBy, modifiedBy }
    }
    if (rawId === undefined) {
      if (ctx.method !== 'POST') throw new FlowError(405, '1000-405', 'Method not allowed', `${ctx.method} is not supported on ${ctx.path}`)
      const body = readMappingBody(ctx)
      const at = now()
      const set = { id: randomBytes(16).toString('hex'), sandboxName: ctx.sandboxName, createdDate: at, versions: [{ ...body, modifiedDate: at }] }
      mappingSets.set(set.id, set)
      return { status: 200, body: summary(set, 0) }
    }
    const id = decodeURIComponent(rawId)
    const set = mappingSets.get(id)
    if (!set || set.sandboxName !== ctx.sandboxName) throw new FlowError(404, '1000-404', 'Not found', `Mapping set ${id} was not found`)
    if (ctx.method === 'GET') {
      const asked = ctx.url.searchParams.get('version')
      const version = asked === null ? set.versions.length - 1 : mappingVersionOf(asked)
      if (version === undefined || version >= set.versions.length) throw new FlowError(404, '1000-404', 'Not found', `Mapping set ${id} has no version ${asked}`)
      return { status: 200, body: presentMappingSet(set, version) }
    }
    if (ctx.method === 'PUT') {
      set.versions.push({ ...readMappingBody(ctx), modifiedDate: now() })
      return { status: 200, body: summary(set, set.versions.length - 1) }
    }
    throw new FlowError(405, '1000-405', 'Method not allowed', `${ctx.method} is not supported on ${ctx.path}`)
  }

  // ---- Source and target connections ----

  /** Whether a live flow names this source or target connection. */
  const flowUsing = (/** @type {string} */ id) => [...flows.values()].find((f) => f.sourceConnectionIds.includes(id) || f.targetConnectionIds.includes(id))

  /** Whether a flow reads through a source connection of this base connection (1418-400 on its delete). */
  function baseConnectionInUse(/** @type {string} */ baseId) {
    return [...flows.values()].some((f) => f.sourceConnectionIds.some((/** @type {string} */ s) => sourceConnections.get(s)?.baseConnectionId === baseId))
  }

  function createSourceConnection(/** @type {any} */ ctx) {
    const { json } = ctx
    if (!validators.sourceConnection(json)) throw invalidBody(ctx.method, ctx.path, validators.errorsText(validators.sourceConnection.errors, 'body'))
    const entity = (/** @type {string} */ name) =>
      invalidBody(ctx.method, ctx.path, `${name} cannot be null or empty in the source connection`, '1323-400', 'Invalid source connection')
    if (json.connectionSpec.id !== env.mysqlSpecId)
      throw invalidBody(ctx.method, ctx.path, `connectionSpec.id must be the MySQL spec ${env.mysqlSpecId}`, '1332-400', 'Invalid connection spec')
    if (!text(json.baseConnectionId)) throw entity('baseConnectionId')
    const base = env.findBaseConnection(json.baseConnectionId, ctx.sandboxName)
    if (!base) throw invalidBody(ctx.method, ctx.path, `Base connection ${json.baseConnectionId} does not exist`)
    if (base.connectionSpec.id !== json.connectionSpec.id)
      throw invalidBody(ctx.method, ctx.path, 'baseConnectionId is not allowed for this connection spec', '1332-400', 'Invalid base connection')
    if (json.data.format !== 'tabular')
      throw invalidBody(ctx.method, ctx.path, `Unsupported source format '${json.data.format}'; table sources use tabular`, '1327-400', 'Unsupported format')
    if (!text(json.params?.tableName)) throw entity('params.tableName')
    if (!Array.isArray(json.params.columns) || json.params.columns.length === 0) throw entity('params.columns')
    if (!base.tables.includes(json.params.tableName)) {
      throw invalidBody(ctx.method, ctx.path, `No columns were found for table ${json.params.tableName}`, '1330-400', 'Table not found')
    }
    const item = {
      ...stamp(ctx),
      name: json.name,
      ...(json.description === undefined ? {} : { description: json.description }),
      baseConnectionId: json.baseConnectionId,
      data: structuredClone(json.data),
      params: structuredClone(json.params),
      connectionSpec: { ...json.connectionSpec },
      state: 'enabled'
    }
    sourceConnections.set(item.id, item)
    return { status: 201, body: { id: item.id, etag: item.etag } }
  }

  function createTargetConnection(/** @type {any} */ ctx) {
    const { json } = ctx
    if (!validators.targetConnection(json)) throw invalidBody(ctx.method, ctx.path, validators.errorsText(validators.targetConnection.errors, 'body'))
    if (json.connectionSpec.id !== DATA_LAKE_SPEC_ID) {
      throw invalidBody(
        ctx.method,
        ctx.path,
        `The target connection spec ID is not valid. The allowed value is: ${DATA_LAKE_SPEC_ID}`,
        '1307-400',
        'Invalid target connection spec'
      )
    }
    const dataSetId = json.params?.dataSetId
    if (!text(dataSetId)) throw invalidBody(ctx.method, ctx.path, 'dataSetId cannot be null or empty', '1325-400', 'Invalid dataset')
    const dataset = datasets.get(dataSetId)
    // "An invalid dataset ID will result in an error" (database tutorial); which code is not documented.
    if (!dataset || dataset.sandboxName !== ctx.sandboxName) throw invalidBody(ctx.method, ctx.path, `Dataset ${dataSetId} does not exist`, '1325-400', 'Invalid dataset')
    const schema = json.data?.schema
    if (!text(schema?.id)) throw invalidBody(ctx.method, ctx.path, 'data.schema.id must be a non-empty string')
    if (!TARGET_SCHEMA_VERSIONS.includes(schema.version)) throw invalidBody(ctx.method, ctx.path, `data.schema.version must be one of ${TARGET_SCHEMA_VERSIONS.join(', ')}`)
    if (schema.id !== dataset.schemaRef?.id) {
      throw invalidBody(ctx.method, ctx.path, 'Schema with same id and version must be used in both target connection and target dataset', '1425-400', 'Schema mismatch')
    }
    const item = {
      ...stamp(ctx),
      ...(json.name === undefined ? {} : { name: json.name }),
      ...(json.description === undefined ? {} : { description: json.description }),
      data: structuredClone(json.data),
      params: structuredClone(json.params),
      connectionSpec: { ...json.connectionSpec },
      state: 'enabled'
    }
    targetConnections.set(item.id, item)
    return { status: 201, body: { id: item.id, etag: item.etag } }
  }

  const presentConnection = (/** @type {any} */ item) => structuredClone(item)

  /** GET, PATCH (name and description, with If-Match) and DELETE of a source or target connection. */
  function connectionHandlers(/** @type {Map<string, any>} */ store, /** @type {string} */ kind, /** @type {(ctx: any) => any} */ create) {
    return {
      collection: {
        GET: (/** @type {any} */ ctx) => listItems(ctx, kind, [...store.values()].filter((c) => c.sandboxName === ctx.sandboxName).map(presentConnection)),
        POST: create
      },
      item: {
        GET: (/** @type {any} */ ctx) => ({ status: 200, body: { items: [presentConnection(inSandbox(store, kind, ctx))] } }),
        PATCH: (/** @type {any} */ ctx) => {
          const item = inSandbox(store, kind, ctx)
          checkIfMatch(ctx, item)
          const draft = patched(ctx, { name: item.name, description: item.description }, patchOps(ctx, CONNECTION_PATCH_PATH))
          Object.assign(item, draft)
          touch(item)
          return { status: 200, body: { id: item.id, etag: item.etag } }
        },
        DELETE: (/** @type {any} */ ctx) => {
          const item = inSandbox(store, kind, ctx)
          const flow = flowUsing(item.id)
          // flow-service-errors.md 1447-400; that it is what deleting a connection under a flow answers is inferred.
          if (flow) throw new FlowError(400, '1447-400', 'Connection in use', `Found active flows containing id ${item.id}: ${flow.id}`)
          store.delete(item.id)
          return { status: 204 }
        }
      }
    }
  }

  // ---- Flows ----

  /**
   * The schedule checks of the sources error catalogue, on schedule params as sent; returns them as the
   * strings GET /flows echoes. `previous`: the stored schedule, for an update.
   */
  function checkSchedule(/** @type {any} */ ctx, /** @type {any} */ params, /** @type {any} */ previous) {
    const refuse = (/** @type {string} */ code, /** @type {string} */ why) => invalidBody(ctx.method, ctx.path, why, code, 'Invalid schedule')
    if (!isObject(params) || Object.keys(params).length === 0) throw refuse('1317-400', 'The provided schedule params are empty')
    if (!FREQUENCIES.includes(params.frequency)) throw invalidBody(ctx.method, ctx.path, `scheduleParams.frequency must be one of ${FREQUENCIES.join(', ')}`)
    /** @type {Record<string, string>} */
    const stored = { frequency: params.frequency }
    for (const field of /** @type {const} */ (['startTime', 'interval', 'backfill'])) {
      if (params[field] === undefined) continue
      const value = scheduleValue(field, params[field], scheduleTypes)
      if (value === undefined) throw invalidBody(ctx.method, ctx.path, `scheduleParams.${field} has a type or value this server does not accept (${scheduleTypes})`)
      stored[field] = value
    }
    if (stored.startTime === undefined) throw invalidBody(ctx.method, ctx.path, 'scheduleParams.startTime is required')
    const nowSeconds = Math.floor(now() / 1000)
    const started = previous !== undefined && Number(previous.startTime) <= nowSeconds
    if (started && stored.startTime !== previous.startTime) throw refuse('1366-400', 'The start time has passed and the update operation is no longer allowed')
    if (started && stored.frequency === 'once' && previous.frequency !== 'once')
      throw refuse('1403-400', 'The start time has passed and you can no longer change the frequency to once')
    if (started && (stored.backfill ?? 'true') !== (previous.backfill ?? 'true')) throw refuse('1404-400', 'The start time has passed and you can no longer update backfill')
    if (!started && Number(stored.startTime) < nowSeconds) throw refuse('1360-400', 'The start time cannot be set in the past')
    if (stored.frequency === 'once') {
      if (stored.interval !== undefined) throw refuse('1361-400', 'Interval is not allowed when frequency is set to once')
      if (stored.backfill !== undefined) throw refuse('1364-400', 'Backfill is not allowed when frequency is set to once')
      return stored
    }
    const minimum = stored.frequency === 'minute' ? 15 : 1
    if (stored.interval === undefined || Number(stored.interval) < minimum) throw refuse('1362-400', `Interval cannot be less than ${minimum}`)
    return stored
  }

  /**
   * The transformations of a database flow: Copy with a deltaColumn unless the flow runs once (1367-400,
   * 1369-400), and one Mapping naming an existing mapping set version (1370-400, 1412-400) whose schema
   * is the target's (1425-400). mappingVersion is stored as the string GET echoes.
   */
  function checkTransformations(/** @type {any} */ ctx, /** @type {any} */ transformations, /** @type {string} */ frequency, /** @type {any} */ target) {
    const refuse = (/** @type {string} */ code, /** @type {string} */ why) => invalidBody(ctx.method, ctx.path, why, code, 'Invalid transformation')
    if (!Array.isArray(transformations)) throw invalidBody(ctx.method, ctx.path, 'transformations must be an array')
    const named = (/** @type {string} */ name) => transformations.filter((t) => isObject(t) && t.name === name)
    const copies = named('Copy')
    const mappings = named('Mapping')
    const delta = copies[0]?.params?.deltaColumn
    if (frequency === 'once' && delta !== undefined) throw refuse('1369-400', 'The delta column in copy transform is not allowed when frequency is set to once')
    if (frequency !== 'once' && !text(delta?.name)) throw refuse('1367-400', 'The delta column is required in copy transformation when creating a CRM connector')
    if (transformations.length !== copies.length + mappings.length || copies.length > 1 || mappings.length > 1) {
      throw invalidBody(ctx.method, ctx.path, 'transformations must be at most one Copy and one Mapping')
    }
    const mapping = mappings[0]?.params
    if (!isObject(mapping)) throw refuse('1370-400', 'The Mapping transformation is missing')
    const set = mappingSets.get(mapping.mappingId)
    if (!set || set.sandboxName !== ctx.sandboxName) throw refuse('1412-400', `Mapping ${mapping.mappingId} does not exist`)
    const version = mappingVersionOf(mapping.mappingVersion)
    if (version === undefined || version >= set.versions.length) throw refuse('1412-400', 'Invalid Mapping Version in request')
    if (target && set.versions[version].schemaId !== target.data.schema.id) {
      throw refuse('1425-400', 'Schema with same id and version must be used in both mapping and target dataset')
    }
    return transformations.map((t) => (t.name === 'Mapping' ? { name: 'Mapping', params: { mappingId: mapping.mappingId, mappingVersion: String(version) } } : structuredClone(t)))
  }

  function createFlow(/** @type {any} */ ctx) {
    const { json } = ctx
    if (!validators.flow(json)) throw invalidBody(ctx.method, ctx.path, validators.errorsText(validators.flow.errors, 'body'))
    if (Object.hasOwn(json, 'state')) throw invalidBody(ctx.method, ctx.path, '`State` is not allowed in the create flow request', '1410-400', 'State not allowed')
    if (Object.hasOwn(json, 'mode')) throw invalidBody(ctx.method, ctx.path, 'Mode is not allowed in flow request', '1368-400', 'Mode not allowed')
    if (json.flowSpec.id !== CRM_FLOW_SPEC_ID) throw invalidBody(ctx.method, ctx.path, `Invalid flow spec id ${json.flowSpec.id}`, '1413-400', 'Invalid spec id')
    const one = (/** @type {unknown} */ ids, /** @type {Map<string, any>} */ store, /** @type {string} */ kind) => {
      if (!Array.isArray(ids) || ids.length !== 1) throw invalidBody(ctx.method, ctx.path, `${kind}Ids must hold exactly one id`)
      const item = store.get(ids[0])
      if (!item || item.sandboxName !== ctx.sandboxName) throw invalidBody(ctx.method, ctx.path, `${kind} ${ids[0]} does not exist`)
      return item
    }
    const source = one(json.sourceConnectionIds, sourceConnections, 'sourceConnection')
    const target = one(json.targetConnectionIds, targetConnections, 'targetConnection')
    const scheduleParams = checkSchedule(ctx, json.scheduleParams, undefined)
    const transformations = checkTransformations(ctx, json.transformations, scheduleParams.frequency, target)
    const base = env.findBaseConnection(source.baseConnectionId, ctx.sandboxName)
    const flow = {
      ...stamp(ctx),
      name: json.name,
      ...(json.description === undefined ? {} : { description: json.description }),
      flowSpec: { id: json.flowSpec.id, version: json.flowSpec.version ?? '1.0' },
      state: 'enabled',
      sourceConnectionIds: [source.id],
      targetConnectionIds: [target.id],
      inheritedAttributes: {
        sourceConnections: [
          { id: source.id, connectionSpec: { ...source.connectionSpec }, baseConnection: { id: source.baseConnectionId, connectionSpec: { ...base?.connectionSpec } } }
        ],
        targetConnections: [{ id: target.id, connectionSpec: { ...target.connectionSpec } }]
      },
      scheduleParams,
      transformations,
      runPlan: { polls: 2, status: 'success', records: { input: 100, output: 99, failed: 1 }, ...firstRun }
    }
    flows.set(flow.id, flow)
    return { status: 201, headers: { location: `${env.flowBase}/flows/${flow.id}` }, body: { id: flow.id, etag: flow.etag } }
  }

  function presentFlow(/** @type {any} */ flow) {
    const { runPlan, ...shown } = structuredClone(flow)
    return { ...shown, runs: `/runs?property=flowId==${flow.id}` }
  }

  function patchFlow(/** @type {any} */ ctx) {
    const flow = inSandbox(flows, 'flows', ctx)
    checkIfMatch(ctx, flow)
    const ops = patchOps(ctx, FLOW_PATCH_PATH)
    const fields = {
      name: flow.name,
      description: flow.description,
      scheduleParams: flow.scheduleParams,
      transformations: flow.transformations,
      options: flow.options,
      labels: flow.labels
    }
    const draft = patched(ctx, fields, ops)
    if (!text(draft.name)) throw invalidBody(ctx.method, ctx.path, 'name must be a non-empty string', '1455-400', 'Patch validation failed')
    const scheduleParams = checkSchedule(ctx, draft.scheduleParams, flow.scheduleParams)
    const transformations = checkTransformations(ctx, draft.transformations, scheduleParams.frequency, targetConnections.get(flow.targetConnectionIds[0]))
    Object.assign(flow, { ...draft, scheduleParams, transformations })
    for (const key of ['description', 'options', 'labels']) if (flow[key] === undefined) delete flow[key]
    touch(flow)
    return { status: 200, body: { id: flow.id, etag: flow.etag } }
  }

  /**
   * POST /flows/{id}/action?op=enable|disable (destination update tutorial; the spec's enum is upper-case
   * and marks subOp required, which no example sends: both are optional here). Neither a body nor a
   * Content-Type is needed (aepp sends none). An action on a flow already in that state is 1422-400.
   */
  function flowAction(/** @type {any} */ ctx) {
    const flow = inSandbox(flows, 'flows', ctx)
    checkIfMatch(ctx, flow, false)
    const op = (ctx.url.searchParams.get('op') ?? '').toLowerCase()
    if (op !== 'enable' && op !== 'disable') throw new FlowError(400, '1422-400', 'Action not allowed', `The action '${op}' cannot be applied on the current state ${flow.state}`)
    const to = op === 'enable' ? 'enabled' : 'disabled'
    if (flow.state === to) throw new FlowError(400, '1422-400', 'Action not allowed', `The action ${op} cannot be applied on the current state ${flow.state}`)
    flow.state = to
    touch(flow)
    return { status: 200, body: { id: flow.id, etag: flow.etag } }
  }

  function deleteFlow(/** @type {any} */ ctx) {
    const flow = inSandbox(flows, 'flows', ctx)
    flows.delete(flow.id)
    for (const [id, run] of runs) if (run.flowId === flow.id) runs.delete(id)
    return { status: 204 }
  }

  // ---- Flow specs ----

  function listFlowSpecs(/** @type {any} */ ctx) {
    const spec = crmFlowSpec(flowSpecForm, [env.mysqlSpecId, ...(env.options.otherSourceSpecIds ?? [])])
    const listed = listItems(ctx, 'flowSpecs', [spec])
    // The database tutorial prints the spec without the items wrapper.
    if (flowSpecForm === 'old') return { status: 200, body: listed.body.items[0] ?? {} }
    return listed
  }

  function getFlowSpec(/** @type {any} */ ctx) {
    if (ctx.id !== CRM_FLOW_SPEC_ID) throw notFound('flowSpecs', ctx.id)
    return { status: 200, body: { items: [crmFlowSpec(flowSpecForm, [env.mysqlSpecId])] } }
  }

  // ---- Runs ----

  /**
   * A flow's first run, made when its runs are first listed while it is enabled. Each listing that shows it
   * is one poll: it is in progress for `runPlan.polls` polls, counting records up, then ends as planned.
   */
  function runOf(/** @type {any} */ flow) {
    let run = [...runs.values()].find((r) => r.flowId === flow.id)
    if (!run && flow.state === 'enabled') {
      run = { id: randomUUID(), flowId: flow.id, sandboxName: flow.sandboxName, etag: newEtag(), startedAt: now(), polls: 0 }
      runs.set(run.id, run)
    }
    return run
  }

  function presentRun(/** @type {any} */ run, /** @type {any} */ plan) {
    const done = run.polls >= plan.polls
    const share = done ? 1 : run.polls / plan.polls
    const count = (/** @type {number} */ n) => Math.floor(n * share)
    const status = !done ? 'inProgress' : plan.status
    const errors =
      done && plan.status === 'failed'
        ? [{ code: plan.errorCode ?? 'CONNECTOR-1001-500', message: plan.errorMessage ?? 'An error occurred while data is being copied from a source.' }]
        : []
    const recordSummary = { inputRecordCount: count(plan.records.input), outputRecordCount: count(plan.records.output), failedRecordCount: count(plan.records.failed) }
    return {
      id: run.id,
      flowId: run.flowId,
      etag: run.etag,
      metrics: {
        durationSummary: { startedAtUTC: run.startedAt, ...(done ? { completedAtUTC: now() } : {}) },
        recordSummary,
        statusSummary: { status, ...(errors.length > 0 ? { errors } : {}) }
      },
      activities: [{ id: 'promotionActivity', recordSummary, statusSummary: { status } }]
    }
  }

  function listRuns(/** @type {any} */ ctx) {
    const shown = []
    for (const flow of flows.values()) {
      if (flow.sandboxName !== ctx.sandboxName) continue
      const run = runOf(flow)
      if (run) shown.push({ run, flow })
    }
    const documents = shown.map(({ run, flow }) => presentRun(run, flow.runPlan))
    const listed = listItems(ctx, 'runs', documents)
    // Only the runs this answer shows have been polled.
    const ids = new Set(listed.body.items.map((/** @type {any} */ r) => r.id))
    for (const { run } of shown) if (ids.has(run.id)) run.polls++
    return listed
  }

  function getRun(/** @type {any} */ ctx) {
    const run = inSandbox(runs, 'runs', ctx)
    const flow = flows.get(run.flowId)
    const document = presentRun(run, flow.runPlan)
    run.polls++
    return { status: 200, body: { items: [document] } }
  }

  return {
    routes: {
      sourceConnections: connectionHandlers(sourceConnections, 'sourceConnections', createSourceConnection),
      targetConnections: connectionHandlers(targetConnections, 'targetConnections', createTargetConnection),
      flows: {
        collection: {
          GET: (/** @type {any} */ ctx) => listItems(ctx, 'flows', [...flows.values()].filter((f) => f.sandboxName === ctx.sandboxName).map(presentFlow)),
          POST: createFlow
        },
        item: { GET: (/** @type {any} */ ctx) => ({ status: 200, body: { items: [presentFlow(inSandbox(flows, 'flows', ctx))] } }), PATCH: patchFlow, DELETE: deleteFlow },
        action: { POST: flowAction }
      },
      flowSpecs: { collection: { GET: listFlowSpecs }, item: { GET: getFlowSpec } },
      runs: { collection: { GET: listRuns }, item: { GET: getRun } }
    },
    handleCatalog,
    handleConversion,
    baseConnectionInUse,
    addDataset,
    stores: { sourceConnections, targetConnections, flows, runs, datasets, mappingSets },
    reset() {
      for (const store of [sourceConnections, targetConnections, flows, runs, datasets, mappingSets]) store.clear()
    }
  }
}
