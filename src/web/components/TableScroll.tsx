import { type ReactNode, useEffect, useRef, useState } from 'react';

/**
 * A table that may be wider than the screen scrolls inside itself, never the
 * page (WCAG 1.4.10 reflow). The box is a region named by the table's
 * caption; while it is too narrow for the table it takes keyboard focus, so
 * it can be scrolled with the arrow keys too.
 */
export function TableScroll(props: { captionId: string; children: ReactNode; testId?: string }) {
  const box = useRef<HTMLElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const element = box.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const measure = () => setScrolls(element.scrollWidth > element.clientWidth + 1);
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    const table = element.firstElementChild;
    if (table) observer.observe(table);
    measure();
    return () => observer.disconnect();
  }, []);
  return (
    <section
      ref={box}
      className="table-scroll"
      aria-labelledby={props.captionId}
      tabIndex={scrolls ? 0 : undefined}
      data-testid={props.testId}
    >
      {props.children}
    </section>
  );
}
