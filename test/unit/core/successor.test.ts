// A rebuild's plan and its successor's name: replace then retire by default, `--in-place` the old
// order; NAME.next can never be a runner's own name.
import { describe, expect, it } from 'vitest';
import { planFor, replacesFirst, retireStart } from '../../../src/core/plan.ts';
import { validateRunnerName } from '../../../src/core/runner-name.ts';
import { isSuccessorName, successorName } from '../../../src/core/successor.ts';

describe('the rebuild plan', () => {
  it('builds and verifies the successor before it touches the old runner, and hands the name over last', () => {
    const plan = planFor('reprovision');
    expect(replacesFirst(plan)).toBe(true);
    expect(plan.indexOf('successor:verify')).toBeLessThan(retireStart(plan));
    expect(plan[retireStart(plan)]).toBe('pause-runner');
    expect(plan.slice(-2)).toEqual(['adopt-successor', 'announce']);
    expect(plan.indexOf('delete-vm')).toBeLessThan(plan.indexOf('adopt-successor'));
  });

  it('--in-place removes the old runner first, as before', () => {
    const plan = planFor('reprovision', { inPlace: true });
    expect(replacesFirst(plan)).toBe(false);
    expect(plan.indexOf('delete-vm')).toBeLessThan(plan.indexOf('clone'));
  });
});

describe('the successor name', () => {
  it('is NAME.next, which the name policy never accepts as a runner name', () => {
    expect(successorName('gitlab-runner-02')).toBe('gitlab-runner-02.next');
    expect(isSuccessorName('gitlab-runner-02.next')).toBe(true);
    expect(isSuccessorName('gitlab-runner-next')).toBe(false);
    expect(validateRunnerName(successorName('gitlab-runner-02'), '.*').ok).toBe(false);
  });
});
