import { useState } from 'react';

export type Locating = 'idle' | 'busy' | 'denied';

/** The phone's position on request (one reading, not tracking), for the report and field forms. */
export function useDeviceLocation() {
  const [coords, setCoords] = useState<{ lat: number; lng: number } | null>(null);
  const [locating, setLocating] = useState<Locating>('idle');
  const locate = () => {
    if (!('geolocation' in navigator)) return setLocating('denied');
    setLocating('busy');
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setCoords({ lat: position.coords.latitude, lng: position.coords.longitude });
        setLocating('idle');
      },
      () => setLocating('denied'),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };
  return { coords, setCoords, locating, locate };
}
