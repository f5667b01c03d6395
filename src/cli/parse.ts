import { InvalidArgumentError } from 'commander';
import { isDuckdbSize, isPercentage } from '../config/settings.ts';

/** Flag value parsers: a wrong value is a usage error (exit 2) that names the value. */
export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`"${text}" is not a positive integer`);
  }
  return value;
}

export function wholeNumber(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new InvalidArgumentError(`"${text}" is not a whole number (0 or more)`);
  }
  return value;
}

export function positiveNumber(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(`"${text}" is not a positive number`);
  }
  return value;
}

export function httpUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return text;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError(`"${text}" is not an http(s) URL`);
}

export function duckdbSize(text: string): string {
  if (!isDuckdbSize(text))
    throw new InvalidArgumentError(`"${text}" is not a size such as 2.5GB, 800MB or 4GiB`);
  return text;
}

export function sizeOrPercentage(text: string): string {
  if (!isDuckdbSize(text) && !isPercentage(text)) {
    throw new InvalidArgumentError(
      `"${text}" is neither a size such as 20GB nor a share of the free disk such as 50%`,
    );
  }
  return text;
}
