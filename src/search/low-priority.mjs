// Background threads (LSA training, WAL checkpoints) give way to the main thread when the cores are busy.
// On a two-core node the training worker and usearch's threads took both cores while the main thread
// embedded, and a descheduled main thread stretched a 5 ms piece of work to 79 ms (bench:memory at 60k, a
// --cpu-prof profile: one embedWithLsa call of ~0.3 ms inside a 79 ms stall). Plain JS: workers that are
// plain JS import it too.
import fs from 'node:fs';
import os from 'node:os';

/**
 * Lower the calling thread's scheduling priority to `nice` (Linux keeps a nice value per thread, and
 * setpriority takes a thread id). Returns the thread's nice value afterwards, or null where there is no
 * /proc/thread-self (not Linux): the thread then runs at its normal priority.
 */
export function lowerThreadPriority(nice = 19) {
  let tid;
  try {
    tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return null;
  }
  os.setPriority(tid, nice);
  return os.getPriority(tid);
}
