// The action ids of every button runnerbot posts; the listeners route clicks by them.
export const ACTION_IDS = {
  approve: 'approval_approve',
  deny: 'approval_deny',
  retry: 'run_retry',
  deprovision: 'run_deprovision',
} as const;
