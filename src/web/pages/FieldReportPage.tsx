import { IntakeForm } from './IntakePage.js';

/** A responder's report from the field: the hotline form without a callback number, with the phone's position. */
export default function FieldReportPage() {
  return <IntakeForm mode="field" />;
}
