import {
  chmodSync,
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StartupError } from '../lib/errors.ts';

/**
 * The embedded database's folder. PGlite is one process per data folder: a second process that
 * opened it (another vault, the key CLI, `migrate`) would work on its own copy and one of the two
 * would overwrite the other's writes at shutdown. So the folder is locked before anything in it is
 * read or written, and it is kept private (0700 folders, 0600 files): it holds every tenant's data
 * and, outside production, the development master key.
 */
export class DataDirInUseError extends StartupError {
  override name = 'DataDirInUseError';
  constructor(
    readonly dir: string,
    readonly lockPath: string,
    readonly holder: { pid: number; host: string; since: string },
    /** what to do instead, through the running process (the key CLI names its HTTP route) */
    readonly instead?: string,
  ) {
    super(
      `DATA_DIR ${dir} is in use by another credential-vault process (pid ${holder.pid} on ${holder.host}, since ${holder.since}). ` +
        'The embedded database allows one process per data folder: stop that process first' +
        (instead ? `, or ${instead}` : '') +
        `. If no such process runs, delete ${lockPath}.`,
    );
  }

  /** The same refusal, saying what to do through the running vault instead. */
  withInstead(instead: string): DataDirInUseError {
    return new DataDirInUseError(this.dir, this.lockPath, this.holder, instead);
  }
}

const LOCK_FILE = 'credential-vault.lock';

interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

function readHolder(path: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    return typeof h.pid === 'number' && typeof h.host === 'string'
      ? { pid: h.pid, host: h.host, since: String(h.since ?? '') }
      : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Folders 0700, files 0600, throughout; refuses a folder this user does not own. */
export function makePrivate(dir: string): void {
  const uid = process.getuid?.();
  const walk = (path: string) => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    const want = st.isDirectory() ? 0o700 : 0o600;
    if ((st.mode & 0o777) !== want) {
      if (uid !== undefined && st.uid !== uid) {
        throw new StartupError(
          `${path} has mode ${(st.mode & 0o777).toString(8)} and belongs to another user; DATA_DIR must be private to the vault's user (chown it, then chmod -R go= it)`,
        );
      }
      chmodSync(path, want);
    }
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
}

/**
 * Takes the data folder for this process, or throws DataDirInUseError naming the holder. A lock
 * left by a process that no longer runs (a crash, SIGKILL) is taken over. Returns the release.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(path);
      // A holder on another host is a container that was recreated (same volume, new hostname): a
      // PGlite folder cannot be shared between machines, so only a live process here counts.
      if (holder && holder.pid !== process.pid && holder.host === me.host && alive(holder.pid)) {
        throw new DataDirInUseError(dir, path, holder);
      }
      // Stale (its process is gone) or unreadable (a writer that died mid-write): take it over.
      try {
        unlinkSync(path);
      } catch {
        /* someone else took it over first; try again */
      }
      continue;
    }
    // Another process may have removed a stale lock in the same instant: it counts only if ours.
    if (readHolder(path)?.pid !== process.pid) continue;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off('exit', release);
      if (readHolder(path)?.pid === process.pid) unlinkSync(path);
    };
    process.on('exit', release);
    return release;
  }
  throw new StartupError(`could not take the lock ${path}; another process keeps taking it`);
}
