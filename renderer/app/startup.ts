import { effectScope, inject, onScopeDispose, type InjectionKey } from 'vue';
import { useSessionStore } from '../stores/session';
import { useWorkstationStore } from '../stores/workstation';
import { useServices, type WorkstationServices } from './services';

/**
 * When a start-up task runs (think of VS Code's contributions registered with a phase):
 * - `signed-in`: each time the signed-in shell opens — after a sign-in, or a reload with a
 *   session — and stopped when it closes at sign-out;
 * - `first-sign-in`: once per page load, the first time the shell opens: work that must not
 *   repeat at each sign-in (the retention sweep).
 */
export type StartupPhase = 'signed-in' | 'first-sign-in';

/** What a task works with: the services and the two stores that say who is signed in where. */
export interface StartupContext {
  services: WorkstationServices;
  session: ReturnType<typeof useSessionStore>;
  workstation: ReturnType<typeof useWorkstationStore>;
}

/**
 * One piece of start-up work. `start` runs in an effect scope that ends when the shell closes
 * (a `watch` made in it stops then); it returns how to stop what it leaves running (timers), or
 * a promise for work that runs on by itself (not awaited: no task waits for another).
 */
export interface StartupTask {
  /** A name for the logs. */
  id: string;
  phase: StartupPhase;
  start(context: StartupContext): void | (() => void) | Promise<unknown>;
}

/** Runs the start-up tasks of the page. */
export interface Startup {
  /** Starts the tasks of the shell opening, in their order; returns how to stop them all. */
  open(context: StartupContext): () => void;
}

/** The start-up of one page over its ordered task list (app/startup-tasks.ts). */
export function createStartup(tasks: readonly StartupTask[]): Startup {
  const ranOnce = new Set<StartupTask>();
  return {
    open(context) {
      const scope = effectScope(true);
      const stops: (() => void)[] = [];
      scope.run(() => {
        for (const task of tasks) {
          if (task.phase === 'first-sign-in') {
            if (ranOnce.has(task)) continue;
            ranOnce.add(task);
          }
          let started: ReturnType<StartupTask['start']>;
          try {
            started = task.start(context);
          } catch (error) {
            console.error(`start-up task ${task.id} failed:`, error);
            continue;
          }
          if (typeof started === 'function') stops.push(started);
          else if (started) started.catch((error: unknown) => console.error(`start-up task ${task.id} failed:`, error));
        }
      });
      return () => {
        for (const stop of stops.splice(0)) stop();
        scope.stop();
      };
    },
  };
}

/** The key the root provides the page's start-up under. */
export const STARTUP: InjectionKey<Startup> = Symbol('workstation start-up');

/** In the signed-in shell's setup: starts the page's start-up tasks, stopped when the shell goes. */
export function useSignedInStartup(): void {
  const startup = inject(STARTUP, null);
  if (!startup) throw new Error('useSignedInStartup: no start-up provided (renderer/app/root.ts provides it)');
  const stop = startup.open({ services: useServices(), session: useSessionStore(), workstation: useWorkstationStore() });
  onScopeDispose(stop);
}
