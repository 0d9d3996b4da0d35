import { Emulator } from 'openrouter-pkce'

export function f(emu: Emulator): void {
  emu.injectFault({ endpoint: 'key_info' }) // E: TS2820
}
