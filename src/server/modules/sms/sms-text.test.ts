import { describe, expect, it } from 'vitest';
import { detectLanguage, findZoneNamed, fold, guessActivity, soundsFirsthand } from './sms-text.js';

describe('reading an SMS report', () => {
  it('folds accents and punctuation', () => {
    expect(fold('Retén en Pico-Union!')).toBe('reten en pico union');
  });

  it('tells Spanish from English', () => {
    expect(detectLanguage('La migra está en la esquina de la tienda')).toBe('es');
    expect(detectLanguage('hay agentes cerca de la escuela')).toBe('es');
    expect(detectLanguage('ICE agents at the corner of 1st and Soto')).toBe('en');
    expect(detectLanguage('raid now')).toBe('en');
  });

  it('guesses the activity in either language', () => {
    expect(guessActivity('Redada en el swap meet')).toBe('raid');
    expect(guessActivity('They detained a man at the car wash')).toBe('arrest');
    expect(guessActivity('Retén en Whittier Blvd')).toBe('checkpoint');
    expect(guessActivity('patrulla dando vueltas')).toBe('patrol');
    expect(guessActivity('something is happening')).toBe('other');
  });

  it('notices hearsay', () => {
    expect(soundsFirsthand('Me dijeron que hay migra en la escuela')).toBe(false);
    expect(soundsFirsthand('I heard ICE is at the school')).toBe(false);
    expect(soundsFirsthand('I see 3 vans outside')).toBe(true);
  });

  it('finds the neighborhood a text names, preferring the longest name', () => {
    const zones = [
      { name: 'Hollywood' },
      { name: 'East Hollywood' },
      { name: 'Boyle Heights' },
      { name: 'Westlake / MacArthur Park' },
    ];
    expect(findZoneNamed('checkpoint by macarthur park', zones)?.name).toBe('Westlake / MacArthur Park');
    expect(findZoneNamed('migra en BOYLE heights ahorita', zones)?.name).toBe('Boyle Heights');
    expect(findZoneNamed('vans in east hollywood', zones)?.name).toBe('East Hollywood');
    expect(findZoneNamed('vans downtown', zones)).toBeNull();
  });
});
