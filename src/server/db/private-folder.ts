import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/** Mode bits nobody but the owner may have on the embedded database's files. */
const OTHERS = 0o077;

interface EmscriptenNode {
  mode: number;
}
interface NodeFsOps {
  node_ops: {
    mknod(parent: EmscriptenNode, name: string, mode: number, dev: number): EmscriptenNode;
    setattr(node: EmscriptenNode, attr: { mode?: number | null }): void;
  };
  stream_ops: { setattr(stream: unknown, attr: { mode?: number | null }): void };
}

/**
 * PGlite's file system on a folder, keeping every file it makes private.
 * PostgreSQL asks for 0600 files, but PGlite's Emscripten layer creates them
 * and then sets 0666 whatever the umask (seen: 968 world-writable files, the
 * write-ahead log among them). Here the mode of each file it creates or
 * changes loses its group and other bits.
 */
export class PrivateNodeFS extends NodeFS {
  override async init(pg: PGlite, options: Parameters<NodeFS['init']>[1]) {
    const { emscriptenOpts } = await super.init(pg, options);
    const keepPrivate = (module: { NODEFS: NodeFsOps }) => {
      const fs = module.NODEFS;
      const mknod = fs.node_ops.mknod.bind(fs.node_ops);
      const setattr = fs.node_ops.setattr.bind(fs.node_ops);
      const streamSetattr = fs.stream_ops.setattr.bind(fs.stream_ops);
      const privateAttr = <T extends { mode?: number | null }>(attr: T): T =>
        attr.mode == null ? attr : { ...attr, mode: attr.mode & ~OTHERS };
      fs.node_ops.mknod = (parent, name, mode, dev) => mknod(parent, name, mode & ~OTHERS, dev);
      fs.node_ops.setattr = (node, attr) => setattr(node, privateAttr(attr));
      fs.stream_ops.setattr = (stream, attr) => streamSetattr(stream, privateAttr(attr));
    };
    const preRun = [emscriptenOpts.preRun ?? []].flat();
    // After NodeFS's own step, which mounts the folder.
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...preRun, keepPrivate as never] } };
  }
}

/**
 * Makes the data folder private before the database opens it: the folder
 * 0700 and every file in it 0600 (folders 0700), as PostgreSQL requires of
 * its own data directory. Folders from earlier versions are fixed here.
 * Returns how many entries had to be changed.
 */
export async function makeFolderPrivate(folder: string): Promise<number> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  let changed = 0;
  const visit = async (entry: string): Promise<void> => {
    const info = await lstat(entry);
    if (info.isSymbolicLink()) return;
    if ((info.mode & OTHERS) !== 0) {
      await chmod(entry, info.mode & 0o7777 & ~OTHERS);
      changed++;
    }
    if (info.isDirectory()) {
      for (const name of await readdir(entry)) await visit(path.join(entry, name));
    }
  };
  await visit(folder);
  return changed;
}
