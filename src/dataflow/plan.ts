// Plan mode of the dataflow action: what applying would do, from reads only, in the shape of the
// connection action's plan (report/plan-markdown.ts renders both).

import type { PlanOf } from '../report/plan-markdown.js'
import { createChanges, deleteChanges, identityConflict, planUpdate } from './changes.js'
import type { DataflowClient } from './client.js'
import { type Ready, findFlow, readExisting } from './reads.js'
import type { ApplySettings, DeleteSettings } from './settings.js'
import { refusedScheduleUpdate } from './start-rules.js'

export async function planApply(settings: ApplySettings, ready: Ready, client: DataflowClient): Promise<PlanOf> {
  const about = { name: settings.name, sandbox: settings.sandboxName }
  const { flow, desired } = ready
  if (!flow) return { ...about, action: 'create', connectionId: null, changes: createChanges(desired) }
  const existing = await readExisting(flow, client)
  const conflict = identityConflict(desired, existing)
  if (conflict) return { ...about, action: 'fail', connectionId: flow.id, changes: [], reason: conflict }
  switch (settings.ifExists) {
    case 'fail':
      return { ...about, action: 'fail', connectionId: flow.id, changes: [], reason: `Dataflow "${settings.name}" (${flow.id}) already exists and if-exists is fail.` }
    case 'reuse':
      return { ...about, action: 'reuse', connectionId: flow.id, changes: [] }
    case 'update': {
      const { changes, update } = planUpdate(existing, desired)
      // Where applying would refuse before writing, the plan fails with its sentence.
      const refused = refusedScheduleUpdate(flow, desired.name, update.schedule, ready.readAt)
      if (refused) return { ...about, action: 'fail', connectionId: flow.id, changes: [], reason: refused }
      return { ...about, action: changes.length > 0 ? 'update' : 'reuse', connectionId: flow.id, changes }
    }
  }
}

export async function planDelete(settings: DeleteSettings, client: DataflowClient): Promise<PlanOf> {
  const about = { name: settings.name, sandbox: settings.sandboxName }
  const flow = await findFlow(settings, client)
  if (!flow) return { ...about, action: 'absent', connectionId: null, changes: [] }
  return { ...about, action: 'delete', connectionId: flow.id, changes: deleteChanges({ flow }) }
}
