/**
 * Deliberate layering mistakes, the kind the detector once had ({@code bench} and {@code cli} importing each other) or
 * could grow: {@link org.exfilguard.LayeringTest} checks that the rules of {@code Layering} report each of them.
 * Nothing here runs.
 */
package org.exfilguard.layeringfixture;
