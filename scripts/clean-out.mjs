// Removes the compiled tests (out/) before tsc writes them again, so a file that was moved or
// deleted in the sources cannot linger as a stale .js that `require` still finds.
import { rmSync } from 'fs';
rmSync(new URL('../out', import.meta.url), { recursive: true, force: true });
