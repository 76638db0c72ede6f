// `node --import ./test/support/record-imports.mjs …`: lists the packages a process imports (see imports-hook.mjs).
import { register } from 'node:module';

register('./imports-hook.mjs', import.meta.url);
