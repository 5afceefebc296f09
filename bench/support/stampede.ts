import { setTimeout as sleep } from 'node:timers/promises';
import type { RepMeasurement } from './measure';

/**
 * Fires the given calls at once, each with the same counting model (it answers `answer` after
 * `computeMs`), and measures how many times the model ran. A caller left without an answer fails the run.
 */
export async function countModelCalls(
  label: string,
  computeMs: number,
  answer: unknown,
  fire: (compute: () => Promise<unknown>) => Array<Promise<unknown>>,
): Promise<RepMeasurement> {
  let computes = 0;
  const compute = async () => {
    computes++;
    await sleep(computeMs);
    return answer;
  };
  const answers = await Promise.all(fire(compute));
  if (answers.some((got) => got === undefined || got === null)) throw new Error(`${label}: a caller got no answer`);
  return { value: computes };
}
