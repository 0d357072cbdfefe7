export { classify, loadRules, ZRule, type TRule } from './rules.engine';
