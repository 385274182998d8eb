/**
 * FileHost: the only way the engine touches files. The CLI uses the disk; the language server
 * layers open editor buffers over it; tests may use an in-memory host.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface DirEntry {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
  isSymbolicLink: boolean;
}

export interface FileHost {
  /** Text of the file, or undefined when it does not exist or is not readable. */
  readFile(absPath: string): string | undefined;
  isFile(absPath: string): boolean;
  isDirectory(absPath: string): boolean;
  readDirectory(absPath: string): DirEntry[];
  /** Size in bytes without reading the file, or undefined. */
  fileSize(absPath: string): number | undefined;
}

export function nodeFileHost(): FileHost {
  return {
    readFile(p) {
      try {
        return fs.readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
    isFile(p) {
      try {
        return fs.statSync(p).isFile();
      } catch {
        return false;
      }
    },
    isDirectory(p) {
      try {
        return fs.statSync(p).isDirectory();
      } catch {
        return false;
      }
    },
    readDirectory(p) {
      try {
        return fs.readdirSync(p, { withFileTypes: true }).map((d) => ({
          name: d.name,
          isFile: d.isFile(),
          isDirectory: d.isDirectory(),
          isSymbolicLink: d.isSymbolicLink(),
        }));
      } catch {
        return [];
      }
    },
    fileSize(p) {
      try {
        return fs.statSync(p).size;
      } catch {
        return undefined;
      }
    },
  };
}

/** A host whose files in `overlays` (absolute path → text) replace those of `base`. */
export function overlayHost(base: FileHost, overlays: ReadonlyMap<string, string>): FileHost {
  return {
    readFile: (p) => (overlays.has(p) ? overlays.get(p) : base.readFile(p)),
    isFile: (p) => overlays.has(p) || base.isFile(p),
    isDirectory: (p) => base.isDirectory(p),
    readDirectory: (p) => {
      const entries = base.readDirectory(p);
      const names = new Set(entries.map((e) => e.name));
      for (const file of overlays.keys()) {
        if (path.dirname(file) === p && !names.has(path.basename(file))) {
          entries.push({ name: path.basename(file), isFile: true, isDirectory: false, isSymbolicLink: false });
        }
      }
      return entries;
    },
    fileSize: (p) => (overlays.has(p) ? Buffer.byteLength(overlays.get(p)!) : base.fileSize(p)),
  };
}
