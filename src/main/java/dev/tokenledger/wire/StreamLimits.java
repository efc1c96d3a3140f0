package dev.tokenledger.wire;

/**
 * Size limits for decoding an upstream stream.
 *
 * @param maxLineBytes longest line accepted
 * @param maxEventBytes largest event accepted
 */
public record StreamLimits(int maxLineBytes, int maxEventBytes) {
}
