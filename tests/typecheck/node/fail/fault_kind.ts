import { Emulator } from 'openrouter-pkce'

export function f(emu: Emulator): void {
  emu.injectFault({ kind: 'huge_body' }) // E: TS2820
}
