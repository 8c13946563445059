import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const REPOSITORY_ROOT = resolve(__dirname, '..', '..');
const LOG_DIRECTORY = join(REPOSITORY_ROOT, '.stack', 'logs', 'tests');

export interface RunningProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
}

/**
 * Starts a Node program whose stdout is pino JSON and copies its output to .stack/logs/tests.
 * Resolves once a log line satisfies `isReady`, with what it extracted. Rejects with the log
 * file's path when the deadline passes or the process exits first.
 */
export function startNodeProcess<T>(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  isReady: (entry: Record<string, unknown>) => T | undefined,
  deadlineMs = 60_000,
): Promise<{ process: RunningProcess; ready: T }> {
  mkdirSync(LOG_DIRECTORY, { recursive: true });
  const logFile = join(LOG_DIRECTORY, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'w' });
  const child = spawn(process.execPath, [script], { cwd: REPOSITORY_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.pipe(log);

  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} was not ready within ${deadlineMs} ms; see ${logFile}`)), deadlineMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before it was ready; see ${logFile}`));
    });

    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      const ready = isReady(entry);
      if (ready !== undefined) {
        clearTimeout(timer);
        resolvePromise({ process: { name, child, logFile }, ready });
      }
    });
  });
}

/** Sends SIGTERM and waits for the exit code; SIGKILL after the grace period. */
export function stopProcess(running: RunningProcess | undefined, graceMs = 20_000): Promise<number | null> {
  if (!running || running.child.exitCode !== null || running.child.signalCode !== null) {
    return Promise.resolve(running?.child.exitCode ?? null);
  }
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => running.child.kill('SIGKILL'), graceMs);
    running.child.once('exit', (code) => {
      clearTimeout(timer);
      resolvePromise(code);
    });
    running.child.kill('SIGTERM');
  });
}

/** Polls `check` until it returns a value other than undefined, or fails with `description`. */
export async function eventually<T>(description: string, check: () => Promise<T | undefined>, deadlineMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch (error: unknown) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` Last error: ${lastError.message}` : '';
      throw new Error(`Timed out after ${deadlineMs} ms waiting for ${description}.${cause}`);
    }
    await new Promise((resolveDelay) => setTimeout(resolveDelay, intervalMs));
  }
}
