import { liveQuery, type Subscription } from 'dexie';
import { getCurrentScope, onScopeDispose, shallowRef, type ShallowRef } from 'vue';
import type { Operator } from '../../shared/contract';
import { operatorLabel, type OperatorEntry } from '../../shared/operators';
import type { WorkstationDb } from '../db/db';

/**
 * Keeps an operator who just signed in: the library's id with the name it gave and the username
 * (工号) that was typed. Events, cases and reviews are stored under the id; this row is how a
 * supervisor on this workstation reads them as 王晓燕 clerk01 and finds them by 工号 or name.
 * A later sign-in replaces the row (a renamed operator is shown by the new name).
 */
export async function rememberOperator(db: WorkstationDb, operator: Pick<Operator, 'id' | 'name' | 'role'>, username: string, at: Date): Promise<void> {
  await db.operators.put({ id: operator.id, name: operator.name, username: username.trim(), role: operator.role, lastSignInAt: at.toISOString() });
}

/** Every operator who signed in here, by id (a few rows a hall: read whole). */
export async function operatorDirectory(db: WorkstationDb): Promise<Map<string, OperatorEntry>> {
  const rows = await db.operators.toArray();
  return new Map(rows.map((row) => [row.id, row]));
}

/** The directory for a component, kept up to date while it is mounted, and the label of an id. */
export function useOperatorDirectory(db: WorkstationDb): {
  directory: ShallowRef<Map<string, OperatorEntry>>;
  label: (id: string | null | undefined) => string;
} {
  const directory = shallowRef<Map<string, OperatorEntry>>(new Map());
  const subscription: Subscription = liveQuery(() => operatorDirectory(db)).subscribe({
    next: (found) => (directory.value = found),
    error: () => undefined,
  });
  if (getCurrentScope()) onScopeDispose(() => subscription.unsubscribe());
  return { directory, label: (id) => operatorLabel(id, directory.value) };
}
