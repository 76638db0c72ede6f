import { describe, expect, it } from 'vitest';
import { parseAlertText } from './alert-keywords.js';

describe('alert keywords by text', () => {
  it('reads ALERTS and a neighborhood, the language taken from the keyword', () => {
    expect(parseAlertText('ALERTAS BOYLE HEIGHTS')).toEqual({
      kind: 'subscribe',
      language: 'es',
      zone: 'boyle heights',
    });
    expect(parseAlertText('alerts Pico-Union')).toEqual({
      kind: 'subscribe',
      language: 'en',
      zone: 'pico union',
    });
    expect(parseAlertText(' Alerts ')).toEqual({ kind: 'subscribe', language: 'en', zone: '' });
  });

  it('reads ZONES with its page, MY ALERTS, and a number on its own', () => {
    expect(parseAlertText('ZONES')).toEqual({ kind: 'zones', language: 'en', page: 1 });
    expect(parseAlertText('zonas 2')).toEqual({ kind: 'zones', language: 'es', page: 2 });
    expect(parseAlertText('My alerts')).toEqual({ kind: 'mine', language: 'en' });
    expect(parseAlertText('MIS ALERTAS')).toEqual({ kind: 'mine', language: 'es' });
    expect(parseAlertText('2')).toEqual({ kind: 'choice', choice: 2 });
  });

  it('leaves a report that happens to start with the word a report', () => {
    expect(parseAlertText('Alerta, la migra en Boyle Heights')).toBeNull();
    expect(parseAlertText('alertas: hay agentes en la escuela de la calle 1')).toBeNull();
    expect(parseAlertText('zones are full of agents')).toBeNull();
    expect(parseAlertText('ICE at the car wash')).toBeNull();
    expect(parseAlertText('123')).toBeNull();
  });
});
