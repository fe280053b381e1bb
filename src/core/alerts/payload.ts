// Alertmanager's webhook payload (version 4), as the core reads it. The HTTP adapter validates
// the body (leniently, unknown fields allowed) before any of it reaches the core.

export type Labels = Record<string, string>;

export interface AlertmanagerAlert {
  status: 'firing' | 'resolved';
  labels: Labels;
  annotations: Labels;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface AlertmanagerPayload {
  version: string;
  groupKey: string;
  /** Alerts Alertmanager left out because of the receiver's `max_alerts`. */
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Labels;
  commonLabels: Labels;
  commonAnnotations: Labels;
  externalURL: string;
  alerts: AlertmanagerAlert[];
}
