import { describe, expect, it } from 'vitest';
import {
  detectLanguage,
  findZoneNamed,
  findZonesLike,
  fold,
  guessActivity,
  soundsFirsthand,
} from './sms-text.js';

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

  it('finds the zone a neighborhood typed on its own means, forgiving accents, case and small typos', () => {
    const zones = [
      { name: 'Boyle Heights' },
      { name: 'Lincoln Heights' },
      { name: 'Hollywood' },
      { name: 'East Hollywood' },
      { name: 'Pico-Union' },
      { name: 'Westlake / MacArthur Park' },
      { name: 'Highland Park' },
      { name: 'El Sereno' },
      { name: 'Pacoima' },
    ];
    const names = (text: string) => findZonesLike(text, zones).map((z) => z.name);
    expect(names('BOYLE HEIGHTS')).toEqual(['Boyle Heights']);
    expect(names('boyle heigts')).toEqual(['Boyle Heights']);
    expect(names('Boyle Hieghts')).toEqual(['Boyle Heights']);
    expect(names('boyleheights')).toEqual(['Boyle Heights']);
    expect(names('PICO UNION')).toEqual(['Pico-Union']);
    expect(names('Picó-Unión')).toEqual(['Pico-Union']);
    expect(names('el sereno')).toEqual(['El Sereno']);
    expect(names('macarthur park')).toEqual(['Westlake / MacArthur Park']);
    expect(names('westlake')).toEqual(['Westlake / MacArthur Park']);
    // An exact name is the only answer, even when a longer one contains it.
    expect(names('hollywood')).toEqual(['Hollywood']);
    // A word several names share: each of them, to choose from.
    expect(names('heights')).toEqual(['Boyle Heights', 'Lincoln Heights']);
    expect(names('park')).toEqual(['Highland Park', 'Westlake / MacArthur Park']);
    // Short names forgive no typo: "pacoina" is one from Pacoima (7 letters), "sereno" is not "seren".
    expect(names('pacoina')).toEqual(['Pacoima']);
    expect(names('downtown')).toEqual([]);
    expect(names('el')).toEqual([]);
    expect(names('')).toEqual([]);
  });
});
