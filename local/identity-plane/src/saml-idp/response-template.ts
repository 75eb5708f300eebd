// The AWS-shaped SAML Response the local IdP signs, as a samlify template: the XML structure is
// fixed here and every value goes in through a `{placeholder}` that samlify escapes, so no user
// input can add an element. Only the number of attributes and values varies, and each is again a
// placeholder.
import { AWS_SAML_ATTRIBUTES } from '../sts/saml/aws-saml.ts';

export interface AssertionAttributes {
  /** `<role-arn>,<provider-arn>` pairs. */
  roles: readonly string[];
  roleSessionName: string;
  sessionDurationSeconds?: number;
  principalTags?: Readonly<Record<string, string>>;
}

export interface ResponseTemplate {
  template: string;
  /** Placeholder name → value, for the attribute part. */
  values: Record<string, string>;
}

const ATTRIBUTE_NAME_FORMAT = 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri';

const RESPONSE_OPEN =
  '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ' +
  'ID="{ID}" Version="2.0" IssueInstant="{IssueInstant}" Destination="{Destination}">' +
  '<saml:Issuer>{Issuer}</saml:Issuer>' +
  '<samlp:Status><samlp:StatusCode Value="{StatusCode}"/></samlp:Status>' +
  '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="{AssertionID}" Version="2.0" IssueInstant="{IssueInstant}">' +
  '<saml:Issuer>{Issuer}</saml:Issuer>' +
  '<saml:Subject><saml:NameID Format="{NameIDFormat}">{NameID}</saml:NameID>' +
  '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">' +
  '<saml:SubjectConfirmationData NotOnOrAfter="{SubjectConfirmationDataNotOnOrAfter}" Recipient="{SubjectRecipient}"/>' +
  '</saml:SubjectConfirmation></saml:Subject>' +
  '<saml:Conditions NotBefore="{ConditionsNotBefore}" NotOnOrAfter="{ConditionsNotOnOrAfter}">' +
  '<saml:AudienceRestriction><saml:Audience>{Audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>' +
  '<saml:AuthnStatement AuthnInstant="{IssueInstant}" SessionIndex="{AssertionID}" SessionNotOnOrAfter="{SessionNotOnOrAfter}">' +
  '<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>' +
  '</saml:AuthnStatement><saml:AttributeStatement>';
const RESPONSE_CLOSE = '</saml:AttributeStatement></saml:Assertion></samlp:Response>';

function attributeElements(attributes: AssertionAttributes): [name: string, values: string[]][] {
  return [
    [AWS_SAML_ATTRIBUTES.role, [...attributes.roles]],
    [AWS_SAML_ATTRIBUTES.roleSessionName, [attributes.roleSessionName]],
    ...(attributes.sessionDurationSeconds === undefined
      ? []
      : [
          [AWS_SAML_ATTRIBUTES.sessionDuration, [String(attributes.sessionDurationSeconds)]] as [
            string,
            string[],
          ],
        ]),
    ...Object.entries(attributes.principalTags ?? {}).map(
      ([key, value]) => [`${AWS_SAML_ATTRIBUTES.principalTagPrefix}${key}`, [value]] as [string, string[]],
    ),
  ];
}

export function responseTemplate(attributes: AssertionAttributes): ResponseTemplate {
  const values: Record<string, string> = { AttributeNameFormat: ATTRIBUTE_NAME_FORMAT };
  const parts = attributeElements(attributes).map(([name, attributeValues], i) => {
    values[`Attr${i}Name`] = name;
    const valueElements = attributeValues.map((value, j) => {
      values[`Attr${i}Value${j}`] = value;
      return `<saml:AttributeValue xsi:type="xs:string">{Attr${i}Value${j}}</saml:AttributeValue>`;
    });
    return `<saml:Attribute Name="{Attr${i}Name}" NameFormat="{AttributeNameFormat}">${valueElements.join('')}</saml:Attribute>`;
  });
  return { template: RESPONSE_OPEN + parts.join('') + RESPONSE_CLOSE, values };
}
