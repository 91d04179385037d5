import { createRequire } from 'node:module';
const requireHere = createRequire(import.meta.url);
/**
 * yargs's ESM entry lays out help through cliui's ESM shim, whose `wrap` cuts a line every N
 * characters, in the middle of words ("(nee" / "ds root)"). Its CommonJS entry, the same yargs,
 * lays out with wrap-ansi, which breaks lines between words. Only the text layout differs.
 */
export const yargs = requireHere('yargs/yargs');
/**
 * cliui joins an option's `[type] [default]` onto its description line when it fits, but also
 * when it fits with no space to spare ("are pending[boolean]"), an off-by-one known upstream
 * (yargs/cliui#88). Such a line is left to stand alone, as one a character longer would.
 */
function keepColumnsApart() {
    const fromYargs = createRequire(requireHere.resolve('yargs/yargs'));
    const cliui = fromYargs('cliui');
    const stringWidth = createRequire(fromYargs.resolve('cliui'))('string-width');
    const proto = Object.getPrototypeOf(cliui({ width: 80 }));
    const renderInline = proto.renderInline;
    proto.renderInline = function (source, previous) {
        const lead = /^ */.exec(source)[0].length;
        if (previous.span && this.wrap && lead === stringWidth(previous.text.trimEnd()))
            return source;
        return renderInline.call(this, source, previous);
    };
}
keepColumnsApart();
/** Narrower than this, the description column no longer holds the longest words of the help. */
const MIN_HELP_WIDTH = 60;
const DEFAULT_HELP_WIDTH = 100;
/**
 * The width help wraps to: the terminal's, else $COLUMNS (a pipe has no width of its own; a
 * user can still say how wide the pager is), else 100.
 */
export function helpWidth(out = process.stdout, env = process.env) {
    const fromEnv = Number(env.COLUMNS);
    const width = out.isTTY && out.columns ? out.columns
        : Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv
            : DEFAULT_HELP_WIDTH;
    return Math.max(MIN_HELP_WIDTH, width);
}
//# sourceMappingURL=yargs.js.map