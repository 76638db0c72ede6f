import type { ReactNode } from 'react';

interface Option {
  value: string;
  label: string;
}

interface GroupProps {
  legend: string;
  name: string;
  options: Option[];
  error?: ReactNode;
  describedBy?: string | undefined;
  children?: ReactNode;
}

/** Native radio buttons drawn as large tap targets: work with keyboard, screen readers and no JS widgets. */
export function RadioGroup(props: GroupProps & { value: string; onChange: (value: string) => void }) {
  return (
    <fieldset className="choices" aria-describedby={props.describedBy}>
      <legend>{props.legend}</legend>
      {props.error}
      {props.options.map((option) => (
        <label key={option.value} className="choice">
          <input
            type="radio"
            name={props.name}
            value={option.value}
            checked={props.value === option.value}
            onChange={() => props.onChange(option.value)}
          />
          <span>{option.label}</span>
        </label>
      ))}
      {props.children}
    </fieldset>
  );
}

/** Native checkboxes drawn as large tap targets. */
export function CheckboxGroup(
  props: GroupProps & { values: string[]; onChange: (values: string[]) => void },
) {
  const toggle = (value: string, on: boolean) =>
    props.onChange(on ? [...props.values, value] : props.values.filter((v) => v !== value));
  return (
    <fieldset className="choices" aria-describedby={props.describedBy}>
      <legend>{props.legend}</legend>
      {props.error}
      <div className="grid">
        {props.options.map((option) => (
          <label key={option.value} className="choice">
            <input
              type="checkbox"
              name={props.name}
              value={option.value}
              checked={props.values.includes(option.value)}
              onChange={(e) => toggle(option.value, e.target.checked)}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
      {props.children}
    </fieldset>
  );
}
