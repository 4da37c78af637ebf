import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

/** The Cognito group whose members administer OpsConductor (users, every project). */
export const adminsGroupName = 'admins';

/**
 * Console users: a Cognito user pool without self sign-up (admins invite people), optional TOTP
 * MFA, threat protection, and one public app client the console signs in with through Cognito's
 * own API (InitiateAuth USER_PASSWORD_AUTH, RespondToAuthChallenge, refresh tokens).
 */
export class Identity extends Construct {
  readonly userPool: UserPool;
  readonly consoleClient: UserPoolClient;
  /** The token issuer the authorizer verifies: https://cognito-idp.<region>.amazonaws.com/<poolId>. */
  readonly issuerUrl: string;
  /** Cognito's regional endpoint the console calls: https://cognito-idp.<region>.amazonaws.com/. */
  readonly endpoint: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      autoVerify: { email: true },
      keepOriginal: { email: true },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      userInvitation: {
        emailSubject: 'Your OpsConductor account',
        emailBody:
          'An OpsConductor administrator created an account for you. Username: {username}. Temporary password: {####}. You will choose a new password when you first sign in.',
      },
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.userPool.addGroup('Admins', {
      groupName: adminsGroupName,
      description: 'OpsConductor administrators: manage users and every project.',
      precedence: 0,
    });

    this.consoleClient = this.userPool.addClient('ConsoleClient', {
      userPoolClientName: 'console',
      generateSecret: false,
      // CDK always adds ALLOW_REFRESH_TOKEN_AUTH next to the flows listed here.
      authFlows: { userPassword: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    this.endpoint = `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/`;
    this.issuerUrl = `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/${this.userPool.userPoolId}`;

    acknowledge(this.userPool, {
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is OPTIONAL by product decision: users enrol a TOTP app themselves; admins can require it per user. Threat protection (PLUS, enforced) covers risky sign-ins.',
    });
  }
}
