import type { Simulation, SimulatedLine } from '../../../domain/flows/simulate-flow';
import type { OutMessage } from '../../../flows';
import { t, type Lang } from '../../ui/i18n';

/** A bot message as the channel shows it: LINE quick replies, SMS numbered choices, voice keypad hints. */
function BotMessage(props: { m: OutMessage; channel: Simulation['channel']; lang: Lang }) {
  const { m, channel } = props;
  const choices = m.choices ?? [];
  if (channel === 'sms') {
    return (
      <div class="sms-bubble bot" data-kind={m.kind}>
        {m.text}
        {choices.length > 0 && <span class="sms-choices">{choices.map((c, i) => `\n${i + 1}. ${c.label}`).join('')}</span>}
      </div>
    );
  }
  if (channel === 'voice') {
    return (
      <div class="voice-line bot" data-kind={m.kind}>
        <b>{t(props.lang, 'flows.sim.say')}:</b> {m.text}
        {choices.length > 0 && <span class="voice-keys"> ({choices.map((c, i) => `${i + 1}=${c.label}`).join(' / ')})</span>}
      </div>
    );
  }
  return (
    <div class="line-row bot">
      <div class={`line-bubble bot${m.kind === 'urgent_advice' ? ' urgent' : ''}`} data-kind={m.kind}>
        {m.text}
        {m.unit && !choices.length && <small class="muted"> ({m.unit})</small>}
      </div>
      {choices.length > 0 && (
        <div class="quick-replies">
          {choices.map((c) => (
            <span class="quick-reply">{c.label}</span>
          ))}
        </div>
      )}
    </div>
  );
}

function PatientLine(props: { line: Extract<SimulatedLine, { from: 'patient' }>; channel: Simulation['channel']; lang: Lang }) {
  const { line, lang } = props;
  if (props.channel === 'voice') {
    const label = line.input === 'digits' ? 'flows.sim.press' : line.input === 'timeout' ? 'flows.sim.silence' : 'flows.sim.speak';
    return (
      <div class="voice-line patient">
        <b>{t(lang, label)}:</b> {line.text}
      </div>
    );
  }
  const text = line.input === 'timeout' ? `(${t(lang, 'flows.sim.silence')})` : line.text;
  return props.channel === 'sms' ? <div class="sms-bubble patient">{text}</div> : <div class="line-row patient"><div class="line-bubble patient">{text}</div></div>;
}

const display = (v: unknown) => (v === null ? '—' : Array.isArray(v) ? v.join(', ') : String(v));

/** The simulator's result: the conversation in the channel's look, then what would be stored and raised. */
export function SimulatorResult(props: { sim: Simulation; lang: Lang }) {
  const { sim, lang } = props;
  return (
    <div class="sim-result" data-channel={sim.channel}>
      <h3>{t(lang, 'flows.sim.transcript')} — {t(lang, `flows.sim.${sim.channel === 'web' ? 'line' : sim.channel}`)}</h3>
      <div class={`transcript transcript-${sim.channel}`} id="transcript">
        {sim.lines.map((l) =>
          l.from === 'bot' ? <BotMessage m={l.message} channel={sim.channel} lang={lang} /> : l.from === 'patient' ? <PatientLine line={l} channel={sim.channel} lang={lang} /> : <p class="field-error">{l.text}</p>,
        )}
      </div>
      <p class="muted">
        {t(lang, `flows.sim.status.${sim.status}`)}
        {sim.unused > 0 && ` — ${t(lang, 'flows.sim.unused', { n: sim.unused })}`}
      </p>
      <div class="grid2">
        <div>
          <h3>{t(lang, 'flows.sim.observations')}</h3>
          <table id="sim-observations">
            <thead><tr><th>{t(lang, 'flows.sim.question')}</th><th>{t(lang, 'flows.sim.value')}</th><th>{t(lang, 'flows.sim.raw')}</th></tr></thead>
            <tbody>
              {sim.observations.map((o) => (
                <tr><td>{o.questionId}</td><td>{display(o.value)}{o.unit ? ` ${o.unit}` : ''}</td><td>{o.raw ?? ''}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
        <div>
          <h3>{t(lang, 'flows.sim.flags')}</h3>
          {sim.flags.length === 0 ? <p>{t(lang, 'flows.sim.noFlags')}</p> : (
            <ul id="sim-flags">
              {sim.flags.map((f) => (
                <li><span class={`badge sev-${f.severity}`}>{t(lang, `flows.severity.${f.severity}`)}</span> {f.ruleId}: {f.reason[lang]}</li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </div>
  );
}
